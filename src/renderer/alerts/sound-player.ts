import type { SoundId } from '../../shared/domain/notifications';

/**
 * Alert sounds, synthesised with the Web Audio API: the renderer cannot read assets/ (the page is
 * served from the renderer folder only), and a few oscillator notes need no files at all. Each
 * sound has its own contour so a trader tells BUY (rising) from SELL (falling) without looking.
 */

type Note = { at: number; freq: number; dur: number; type?: OscillatorType };

const SOUNDS: Readonly<Record<SoundId, readonly Note[]>> = {
  rise: [
    { at: 0, freq: 660, dur: 0.12 },
    { at: 0.12, freq: 880, dur: 0.18 },
  ],
  fall: [
    { at: 0, freq: 880, dur: 0.12 },
    { at: 0.12, freq: 587, dur: 0.18 },
  ],
  ping: [{ at: 0, freq: 1320, dur: 0.15 }],
  bell: [
    { at: 0, freq: 1046, dur: 0.6 },
    { at: 0, freq: 2093, dur: 0.3 },
  ],
  alarm: [
    { at: 0, freq: 988, dur: 0.14, type: 'square' },
    { at: 0.18, freq: 740, dur: 0.14, type: 'square' },
    { at: 0.36, freq: 988, dur: 0.14, type: 'square' },
  ],
  chime: [
    { at: 0, freq: 784, dur: 0.2 },
    { at: 0.14, freq: 988, dur: 0.2 },
    { at: 0.28, freq: 1175, dur: 0.3 },
  ],
};

export class SoundPlayer {
  private context: AudioContext | null = null;
  private readonly repeats = new Map<number, ReturnType<typeof setInterval>>();

  /**
   * Browsers keep audio suspended until the user interacted with the page (autoplay policy); the
   * first click or key press anywhere unlocks it.
   */
  unlockOnFirstGesture(target: Pick<Window, 'addEventListener' | 'removeEventListener'>): () => void {
    const unlock = () => {
      void this.audio()?.resume();
      target.removeEventListener('pointerdown', unlock);
      target.removeEventListener('keydown', unlock);
    };
    target.addEventListener('pointerdown', unlock);
    target.addEventListener('keydown', unlock);
    return unlock;
  }

  play(sound: SoundId, volume: number): void {
    const ctx = this.audio();
    if (!ctx) return;
    const start = ctx.currentTime + 0.01;
    const gainLevel = Math.max(0, Math.min(1, volume)) * 0.3;
    for (const note of SOUNDS[sound]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = note.type ?? 'sine';
      osc.frequency.value = note.freq;
      // A quick attack and an exponential tail: no click at either end.
      gain.gain.setValueAtTime(0.0001, start + note.at);
      gain.gain.exponentialRampToValueAtTime(Math.max(gainLevel, 0.0002), start + note.at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + note.at + note.dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + note.at);
      osc.stop(start + note.at + note.dur + 0.02);
    }
  }

  /** Urgent alerts: play now and every `everySeconds` until `stop(alertId)`. */
  repeat(alertId: number, sound: SoundId, volume: number, everySeconds: number): void {
    this.stop(alertId);
    this.play(sound, volume);
    this.repeats.set(
      alertId,
      setInterval(() => this.play(sound, volume), everySeconds * 1_000),
    );
  }

  stop(alertId: number): void {
    const timer = this.repeats.get(alertId);
    if (timer !== undefined) clearInterval(timer);
    this.repeats.delete(alertId);
  }

  stopAll(): void {
    for (const id of [...this.repeats.keys()]) this.stop(id);
  }

  get repeating(): number[] {
    return [...this.repeats.keys()];
  }

  private audio(): AudioContext | null {
    if (this.context) return this.context;
    if (typeof AudioContext === 'undefined') return null;
    this.context = new AudioContext();
    return this.context;
  }
}
