import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ValidationError } from '../errors.ts';

export interface UploadedFile {
  /** The name the browser gave the file (untrusted: clean it before use). */
  fileName: string;
  /** Its bytes, streamed from the request as they arrive. */
  body: AsyncIterable<Uint8Array>;
}

/**
 * The file in field `field` of a multipart/form-data body, streamed: resolves as soon as the
 * file's part begins, without buffering it (uploads of hundreds of MiB). Other files are
 * skipped; a form without the field is a 400.
 *
 * @example
 *   const { fileName, body } = await multipartFile(req.bodyStream(), req.headers.get('content-type')!, 'file');
 *   for await (const chunk of body) hash.update(chunk);
 */
export async function multipartFile(
  stream: ReadableStream<Uint8Array>,
  contentType: string,
  field: string,
): Promise<UploadedFile> {
  // Loaded on first use: every Lambda bundle carries this module (the contract exports it), and
  // only upload routes parse a form: the parser's ~27 KB would otherwise load at each cold start.
  const { Busboy } = await import('@fastify/busboy');
  return new Promise((resolve, reject) => {
    let found = false;
    // An error after the file began (the body too large, the client gone) must fail the file's
    // reader, even when the parser just ends the file early: checked once the file has ended.
    let failure: unknown;
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({ headers: { 'content-type': contentType }, limits: { files: 5, fields: 20 } });
    } catch (err) {
      reject(new ValidationError(`Not a multipart form: ${(err as Error).message}`));
      return;
    }
    parser.on('file', (name, file, fileName) => {
      if (found || name !== field) {
        file.resume(); // not ours: drain it so the form's other parts keep flowing
        return;
      }
      found = true;
      resolve({
        fileName,
        body: (async function* () {
          for await (const chunk of file as AsyncIterable<Uint8Array>) {
            if (failure) break;
            yield chunk;
          }
          if (failure) throw failure;
        })(),
      });
    });
    parser.on('finish', () => {
      if (!found) reject(new ValidationError(`The form has no file in its "${field}" field`));
    });
    parser.on('error', (err) => {
      failure ??= new ValidationError(`Not a readable multipart form: ${(err as Error).message}`);
      if (!found) reject(failure);
    });
    const body = Readable.fromWeb(stream as WebReadableStream<Uint8Array>);
    // A body error (too large, client gone) ends the parser, which fails the file stream being read.
    body.on('error', (err) => {
      failure ??= err;
      parser.destroy(err);
      if (!found) reject(err);
    });
    body.pipe(parser);
  });
}
