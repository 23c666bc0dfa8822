/** Response descriptions every signed-in Notes API route shares, for the OpenAPI document. */
export const authResponses = {
  401: { description: 'Not signed in (no valid bearer token or session)' },
} as const;

export const ownerResponses = {
  ...authResponses,
  403: { description: "Another owner's data, and the caller is not an admin" },
} as const;
