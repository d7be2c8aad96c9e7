import { SessionInfo, SessionList, type SessionInfo as Session } from '@allmende/protocol';
import { ApiError, requestJson } from './client.ts';

// Guarded sessions (/api/sessions): public lists, live watching over /ws/, ending by members,
// and the sealed transcript, which only an oversight member's identity opens (in the browser).

export function fetchSessions(signal?: AbortSignal): Promise<{ sessions: Session[] }> {
  return requestJson('/api/sessions?limit=200', SessionList, { signal });
}

export function fetchSession(id: string, signal?: AbortSignal): Promise<SessionInfo> {
  return requestJson(`/api/sessions/${encodeURIComponent(id)}`, SessionInfo, { signal });
}

export function endSession(id: string): Promise<SessionInfo> {
  return requestJson(`/api/sessions/${encodeURIComponent(id)}/end`, SessionInfo, {
    method: 'POST',
  });
}

/** The sealed transcript's bytes (members only). */
export async function fetchTranscript(id: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(`/api/sessions/${encodeURIComponent(id)}/transcript`);
  } catch (cause) {
    throw new ApiError({ kind: 'network' }, { cause });
  }
  if (!response.ok) throw new ApiError({ kind: 'http', status: response.status });
  return new Uint8Array(await response.arrayBuffer());
}

/** The observers' channel of a live session, on this page's own origin. */
export function watchUrl(id: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/ws/sessions/${encodeURIComponent(id)}/watch`;
}
