import * as z from 'zod';
import { defineHttp } from '../../shared/contract/index.ts';
import { SAMPLE_NAMES, sampleSvg } from './lib/samples.ts';

export default defineHttp({
  method: 'GET',
  path: '/samples/:file',
  summary: 'A picture of a sample product (SVG)',
  hidden: true,
  auth: 'public',
  params: z.object({
    file: z
      .string()
      .regex(/\.svg$/)
      .transform((file) => file.slice(0, -'.svg'.length))
      .pipe(z.enum(SAMPLE_NAMES)),
  }),
  handler: ({ params }) =>
    Promise.resolve(
      new Response(sampleSvg(params.file), {
        headers: {
          'content-type': 'image/svg+xml',
          'cache-control': 'public, max-age=86400',
          // A product's picture is shown wherever its URL is (another host name of this server included).
          'cross-origin-resource-policy': 'cross-origin',
        },
      }),
    ),
});
