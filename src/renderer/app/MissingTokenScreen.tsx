import { AppLogo } from './AppLogo';

/** Shown instead of the app when the page was opened without the server's token. */
export function MissingTokenScreen({ problem }: { problem: string }) {
  return (
    <main className="centered-screen missing-token">
      <AppLogo />
      <h1>Candlewatch</h1>
      <p role="alert">{problem}</p>
    </main>
  );
}
