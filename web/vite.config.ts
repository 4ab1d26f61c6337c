import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.ZHUXIAO_API ?? 'http://127.0.0.1:3000';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

// Writes .br and .gz next to every hashed asset worth compressing, at the best (slow) settings once per
// build; the server sends them as they are (@fastify/static preCompressed) instead of compressing per request.
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'zhuxiao-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    async closeBundle() {
      const dir = join(outDir, 'assets');
      const files = (await readdir(dir)).filter((f) => /\.(js|css|svg|json)$/.test(f));
      await Promise.all(files.map(async (f) => {
        const body = await readFile(join(dir, f));
        if (body.length < 1024) return;
        const br = await brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
        const gz = await gzip(body, { level: 9 });
        await Promise.all([writeFile(join(dir, `${f}.br`), br), writeFile(join(dir, `${f}.gz`), gz)]);
      }));
    },
  };
}

// The first paint comes from index.html itself, before any JavaScript has run: a header like the
// app's (white, 56 px, the name) on the page background, replaced by React's first render. And the
// default language's catalogue (zh-CN) is preloaded with the shell instead of being discovered
// only after the i18n code has run.
function firstPaint(): Plugin {
  const shell =
    '<div style="min-height:100vh;background:#f5f5f5"><div style="height:56px;box-sizing:border-box;background:#fff;border-bottom:1px solid #f0f0f0;padding:0 12px">' +
    '<div style="max-width:1120px;margin:0 auto;line-height:56px;font-size:17px;font-weight:600;color:rgba(0,0,0,0.88)">注销 Zhuxiao</div></div></div>';
  return {
    name: 'zhuxiao-first-paint',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const catalogue = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && /locales[\\/]zh-CN\.json$/.test(c.facadeModuleId ?? ''));
        const preload = catalogue ? `<link rel="modulepreload" crossorigin href="/${catalogue.fileName}">\n  </head>` : '</head>';
        // The stylesheet (antd's, static: the theme runs with zeroRuntime) goes to the end of the body:
        // in the head it would hold back the painted header above until its ~75 KiB have arrived; below
        // the root it loads beside the scripts, and React draws nothing before the scripts have run.
        const sheets: string[] = [];
        const head = html.replace(/\s*<link rel="stylesheet"[^>]*>/g, (tag) => {
          sheets.push(tag.trim());
          return '';
        });
        return head.replace('<div id="root"></div>', `<div id="root">${shell}</div>${sheets.length ? `\n    ${sheets.join('\n    ')}` : ''}`).replace('</head>', preload);
      },
    },
  };
}

// Vendor code is split so that the landing page does not pay for every page's components:
// React + router and the antd core that the shell needs load up front; components only used by
// a lazily loaded page stay in that page's chunk (rolldown's automatic splitting).
export default defineConfig({
  root,
  plugins: [react(), precompress(), firstPaint()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 3 },
            { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/, priority: 2 },
            {
              name: 'antd-core',
              test: /node_modules[\\/](antd|@ant-design|@rc-component|@emotion|rc-[^\\/]+|dayjs|stylis|classnames|clsx)[\\/]/,
              tags: ['$initial'],
              priority: 1,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
});
