import { describe, expect, it } from 'vitest';
import { nextRoute, routeOf } from '../../../web/src/shell/paths.ts';

const paths = ['/', '/signin', '/signup', '/account', '/privacy'];

describe('routeOf', () => {
  it('knows the pages it is given, with or without a trailing slash', () => {
    expect(['/', '/signin', '/signup', '/account', '/privacy', '/account/'].map((p) => routeOf(p, paths))).toEqual(['/', '/signin', '/signup', '/account', '/privacy', '/account']);
  });
  it('answers null for anything else', () => {
    expect(['/accounts', '/api/me', '/models/x.onnx', '//example.com', ''].map((p) => routeOf(p, paths))).toEqual([null, null, null, null, null]);
  });
});

describe('nextRoute', () => {
  it('follows next= to one of our pages only', () => {
    expect(nextRoute('?next=/account', paths)).toBe('/account');
    expect(nextRoute('?next=/privacy', paths, '/account')).toBe('/privacy');
    expect(nextRoute('?next=/credits', paths)).toBe('/');
  });
  it('never leaves the site, and falls back without a next', () => {
    for (const search of ['?next=https://evil.example/', '?next=//evil.example/account', '?next=javascript:alert(1)', '', '?next=']) {
      expect(nextRoute(search, paths)).toBe('/');
    }
    expect(nextRoute('', paths, '/account')).toBe('/account');
  });
});
