/**
 * The site's icon (32×32 PNG, an "f" on the brand blue), answered at `/favicon.ico`, which every
 * browser asks for on every site whatever the page says. Small enough to live in the code, so the
 * runner and the assets Lambda serve it without a file.
 */
export const FAVICON_PATH = '/favicon.ico';
export const FAVICON_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAV0lEQVR42mNgQAOqya//0xIz4AK0thivQ+htOYYjBtQBA2U53BGjDiBVAylg1AEjwwEDnghHhgNIBaMOGE2Eow4YdcCoA4a3A4Zfo3S0ZzQoOqcD2T0HABPFP1fEN+fVAAAAAElFTkSuQmCC',
  'base64',
);
