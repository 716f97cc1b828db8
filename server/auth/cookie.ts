/** The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over https. */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/** The cookie's name. */
export const sessionCookieName = 'clearcut_session';

/** Reads the session token from the request, if any. */
export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, sessionCookieName);
}

/** Sets the session cookie to expire with the session. */
export function setSessionCookie(c: Context, token: string, expiresAt: Date, secure: boolean): void {
  setCookie(c, sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    expires: expiresAt,
  });
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, sessionCookieName, { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
}
