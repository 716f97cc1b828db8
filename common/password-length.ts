/** How long a new password may be: the server's policy refuses others, and the forms say so before sending. */

/** Minimum and maximum password lengths in characters (the maximum only bounds the hashing work per request). */
export const passwordLength = { min: 10, max: 256 } as const;
