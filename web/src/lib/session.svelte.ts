// The session. The access token lives only in this module's memory; the refresh token lives in
// an HttpOnly cookie that no script can read (the auth routes set it when asked with
// `R2W-Session: cookie`). A reload starts with a refresh, and the access token is renewed a
// minute before it lapses, so neither a reload nor a long edit signs the person out.
import type { SecondFactorRequired, SignedIn, UserView } from './api';

export const session: { user: UserView | null; checked: boolean } = $state({ user: null, checked: false });

/// A sign-in whose password (or provider) was right and that waits for a code: the challenge
/// stays in memory only, never in the address bar or storage.
export const pendingSignIn: { challenge: SecondFactorRequired | null } = $state({ challenge: null });

let token: string | null = null;
let renewal: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<boolean> | null = null;

export function accessToken(): string | null {
  return token;
}

/// Set while this browser holds a session cookie, so a first visit does not ask for a refresh
/// that can only fail (the cookie itself is out of a script's reach).
const HAS_SESSION = 'r2w-has-session';

export function mayHaveSession(): boolean {
  return localStorage.getItem(HAS_SESSION) === '1';
}

export function startSession(signed: SignedIn): void {
  localStorage.setItem(HAS_SESSION, '1');
  token = signed.access_token;
  session.user = signed.user;
  session.checked = true;
  clearTimeout(renewal);
  const lead = Math.max(signed.expires_in - 60, signed.expires_in / 2, 1);
  renewal = setTimeout(() => void refreshSession(), lead * 1000);
}

export function endSession(): void {
  localStorage.removeItem(HAS_SESSION);
  token = null;
  session.user = null;
  session.checked = true;
  clearTimeout(renewal);
}

/// Trades the cookie for a new access token. One refresh at a time, across tabs too: the
/// refresh token works once, and a second use would end the session (theft detection).
export function refreshSession(): Promise<boolean> {
  inFlight ??= (async () => {
    const renew = async () => {
      const response = await fetch('/v1/auth/refresh', {
        method: 'POST',
        headers: { 'r2w-session': 'cookie', 'content-type': 'application/json' },
        body: '{}',
      });
      if (!response.ok) {
        endSession();
        return false;
      }
      startSession((await response.json()) as SignedIn);
      return true;
    };
    try {
      return navigator.locks ? await navigator.locks.request('r2w-session', renew) : await renew();
    } catch {
      // Offline: keep what we have and let the next call try again.
      session.checked = true;
      return false;
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}
