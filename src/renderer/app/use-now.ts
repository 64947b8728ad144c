import { useEffect, useState } from 'react';

/** The current time, updated on each whole second so clocks tick together. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      timer = setTimeout(
        () => {
          setNow(Date.now());
          schedule();
        },
        1_000 - (Date.now() % 1_000),
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, []);
  return now;
}
