/** The app's pages: path, document title and component. A new page is one line here. */
import type { Component } from 'svelte';
import Account from './pages/Account.svelte';
import Admin from './pages/Admin.svelte';
import Contact from './pages/Contact.svelte';
import Credits from './pages/Credits.svelte';
import ForgotPassword from './pages/ForgotPassword.svelte';
import Home from './pages/Home.svelte';
import Pricing from './pages/Pricing.svelte';
import Privacy from './pages/Privacy.svelte';
import ResetPassword from './pages/ResetPassword.svelte';
import SignIn from './pages/SignIn.svelte';
import SignUp from './pages/SignUp.svelte';
import Terms from './pages/Terms.svelte';

export interface Page {
  path: string;
  title: string;
  component: Component;
}

export const routes: readonly Page[] = [
  { path: '/', title: 'clearcut — background removal on your device', component: Home },
  { path: '/signin', title: 'Sign in · clearcut', component: SignIn },
  { path: '/signup', title: 'Create an account · clearcut', component: SignUp },
  { path: '/forgot-password', title: 'Forgot password · clearcut', component: ForgotPassword },
  { path: '/reset-password', title: 'New password · clearcut', component: ResetPassword },
  { path: '/account', title: 'Your account · clearcut', component: Account },
  { path: '/privacy', title: 'Privacy · clearcut', component: Privacy },
  { path: '/terms', title: 'Terms of service · clearcut', component: Terms },
  { path: '/contact', title: 'Contact · clearcut', component: Contact },
  { path: '/admin', title: 'Admin · clearcut', component: Admin },
  { path: '/pricing', title: 'Pricing · clearcut', component: Pricing },
  { path: '/credits', title: 'Your credits · clearcut', component: Credits },
];
