// dd-trace-py's messages that no other rule reads (kb/messages.yaml, ids python-*): Remote Configuration unavailable
// on the Agent side, as the tracer's Remote Configuration worker reports it. The startup dict's remote_config_enabled
// is read with the startup line (startup.ts).
import type { LogRule } from '../types';
import { emit, lineRange, messageRule } from './common';

/** dd-trace-py's Remote Configuration worker lines (the catalogue rule leaves them to this one). */
export const pred = (m: { id: string; finding: string }) => m.id.startsWith('python-') && m.finding === 'remote-config-disabled';

export const pythonRule: LogRule = messageRule({
  id: 'python',
  key: 'python',
  pred,
  onMessage(ctx, hit) {
    emit(ctx, 'remote-config-disabled', lineRange(ctx, hit.start, hit.end), {
      detail: hit.m.meaning,
      data: { message: hit.m.id, tracer: 'python', side: 'agent' },
    });
  },
});
