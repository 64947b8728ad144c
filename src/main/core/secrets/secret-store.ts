import { ContractError } from '../../../shared/contract/result';
import type {
  ExchangeSecretsStatus,
  SecretField,
  SecretsSetInput,
  SecretsStatus,
} from '../../../shared/contract/methods/store';
import { secretFieldSchema } from '../../../shared/contract/methods/store';
import { Emitter } from '../base/emitter';
import type { Logger } from '../base/log';
import type { SecretRepository, StoredSecret } from '../store/secret-repository';
import type { SecretBox } from './ports';
import type { Redactor } from './redactor';

/** Electron's safeStorage backend name for Linux without a keyring: obfuscation, not encryption. */
const WEAK_BACKENDS = new Set(['basic_text']);

const isSecretField = (field: string): field is SecretField => secretFieldSchema.safeParse(field).success;

const rowKey = (exchange: string, field: string) => `${exchange}\u0000${field}`;

/**
 * API credentials at rest: encrypted by the injected SecretBox, stored by the repository, and
 * registered with the redactor so no log line or error can carry them out. Status tells the UI
 * which fields are set, never a value. Blobs written by another backend are reported
 * (`backendChanged`) and left exactly as they are.
 */
export class SecretStore {
  private readonly unreadable = new Set<string>();
  private readonly changes = new Emitter<string>();

  constructor(
    private readonly repo: SecretRepository,
    private readonly box: SecretBox,
    private readonly redactor: Redactor,
    private readonly log: Logger,
  ) {
    this.loadIntoRedactor();
  }

  /** Called with the exchange after its credentials were saved or deleted (the account restarts or stops). */
  onChange(listener: (exchange: string) => void): () => void {
    return this.changes.on(listener);
  }

  status(): SecretsStatus {
    const byExchange = new Map<string, StoredSecret[]>();
    for (const row of this.repo.all()) {
      const rows = byExchange.get(row.exchange) ?? [];
      rows.push(row);
      byExchange.set(row.exchange, rows);
    }
    return {
      backend: this.box.backend(),
      weak: this.box.isWeak(),
      exchanges: [...byExchange.entries()].map(([exchange, rows]) => this.exchangeStatus(exchange, rows)),
    };
  }

  set(input: SecretsSetInput): ExchangeSecretsStatus {
    if (this.box.isWeak() && input.acceptWeakBackend !== true) {
      throw new ContractError(
        'conflict',
        `No OS keyring is available, so credentials would be stored with "${this.box.backend()}", which only ` +
          'obfuscates them on disk. Nothing was saved: set acceptWeakBackend to save them anyway.',
      );
    }
    const entries = Object.entries(input.fields).filter(
      (e): e is [SecretField, string] => e[1] !== undefined,
    );
    // Registered before anything else happens, so even an encryption error echoing it is masked.
    for (const [, value] of entries) this.redactor.add(value);
    let blobs: { field: string; blob: Buffer }[];
    try {
      blobs = entries.map(([field, value]) => ({ field, blob: this.box.encrypt(value) }));
    } catch (err) {
      throw new ContractError(
        'unavailable',
        `Credentials could not be encrypted, nothing was saved: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    this.repo.saveMany(input.exchange, blobs, this.box.backend(), Date.now());
    for (const [field] of entries) this.unreadable.delete(rowKey(input.exchange, field));
    this.log.info('credentials saved', {
      exchange: input.exchange,
      fields: entries.map(([f]) => f),
      backend: this.box.backend(),
    });
    this.changes.emit(input.exchange);
    return this.exchangeStatus(input.exchange, this.repo.forExchange(input.exchange));
  }

  delete(exchange: string, fields?: readonly SecretField[]): number {
    const deleted = this.repo.delete(exchange, fields);
    for (const key of [...this.unreadable]) {
      const [ex, field] = key.split('\u0000');
      if (ex === exchange && (!fields || fields.includes(field as SecretField))) this.unreadable.delete(key);
    }
    if (deleted > 0) {
      this.log.info('credentials deleted', { exchange, fields: fields ?? 'all' });
      this.changes.emit(exchange);
    }
    return deleted;
  }

  /**
   * Decrypted credentials for the exchange's ccxt instance (main process only: no contract method
   * returns them). Throws when a stored field does not decrypt with the current backend.
   */
  credentials(exchange: string): Partial<Record<SecretField, string>> {
    const out: Partial<Record<SecretField, string>> = {};
    for (const row of this.repo.forExchange(exchange)) {
      if (isSecretField(row.field)) out[row.field] = this.box.decrypt(row.blob);
    }
    return out;
  }

  private exchangeStatus(exchange: string, rows: StoredSecret[]): ExchangeSecretsStatus {
    const current = this.box.backend();
    const other = rows.find((r) => r.backend !== current);
    const backend = other?.backend ?? current;
    return {
      exchange,
      fields: rows.map((r) => r.field).filter(isSecretField),
      backend,
      // The current box knows whether it is weak; an older backend is judged by its name.
      weak: other ? WEAK_BACKENDS.has(backend) : this.box.isWeak(),
      backendChanged: other !== undefined,
      readable: rows.every((r) => !this.unreadable.has(rowKey(exchange, r.field))),
      updatedAt: Math.max(0, ...rows.map((r) => r.updatedAt)),
    };
  }

  /** Every stored value is decrypted once at start, only to be masked wherever it might appear. */
  private loadIntoRedactor(): void {
    const failedExchanges = new Map<string, string>();
    for (const row of this.repo.all()) {
      try {
        this.redactor.add(this.box.decrypt(row.blob));
      } catch (err) {
        this.unreadable.add(rowKey(row.exchange, row.field));
        failedExchanges.set(row.exchange, err instanceof Error ? err.message : String(err));
      }
    }
    for (const [exchange, reason] of failedExchanges) {
      this.log.warn('stored credentials do not decrypt with the current backend; they are kept unchanged', {
        exchange,
        backend: this.box.backend(),
        reason,
      });
    }
  }
}
