import { describe, expect, it } from 'vitest';
import { nextRoute, routeOf } from '../../../web/src/lib/routes.ts';

describe('routeOf', () => {
  it('knows the five pages, with or without a trailing slash', () => {
    expect(['/', '/signin', '/signup', '/account', '/privacy', '/account/'].map(routeOf)).toEqual(['/', '/signin', '/signup', '/account', '/privacy', '/account']);
  });
  it('answers null for anything else', () => {
    expect(['/accounts', '/api/me', '/models/x.onnx', '//example.com', ''].map(routeOf)).toEqual([null, null, null, null, null]);
  });
});

describe('nextRoute', () => {
  it('follows next= to one of our pages only', () => {
    expect(nextRoute('?next=/account')).toBe('/account');
    expect(nextRoute('?next=/privacy', '/account')).toBe('/privacy');
  });
  it('never leaves the site, and falls back without a next', () => {
    for (const search of ['?next=https://evil.example/', '?next=//evil.example/account', '?next=javascript:alert(1)', '', '?next=']) {
      expect(nextRoute(search)).toBe('/');
    }
    expect(nextRoute('', '/account')).toBe('/account');
  });
});
