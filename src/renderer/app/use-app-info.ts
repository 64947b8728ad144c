import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/contract/methods/app';
import { useApi } from '../transport/TransportProvider';

/** Name, version and mode of the core; undefined until it answers. */
export function useAppInfo(): AppInfo | undefined {
  const api = useApi();
  const [info, setInfo] = useState<AppInfo>();
  useEffect(() => {
    let live = true;
    api.call('app:info', {}).then(
      (value) => live && setInfo(value),
      // The status bar simply shows no version; the connection indicator tells what is wrong.
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);
  return info;
}
