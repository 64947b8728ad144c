import { describe, expect, it } from 'vitest';
import { socketUrl } from '../../../src/renderer/transport/websocket-transport';

describe('socket URL', () => {
  it('points at /ws on the page host with the token, in ws or wss as the page', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:4000' }, 'a_b-C')).toBe(
      'ws://127.0.0.1:4000/ws?token=a_b-C',
    );
    expect(socketUrl({ protocol: 'https:', host: 'box.lan:443' }, 'x+y')).toBe(
      'wss://box.lan:443/ws?token=x%2By',
    );
  });
});
