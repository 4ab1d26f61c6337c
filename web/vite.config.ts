import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import postcss, { type AtRule, type Rule } from 'postcss';
import { build, defineConfig, type Plugin, type Rollup } from 'vite';
import react from '@vitejs/plugin-react';
import type { Rendered } from './prerender.tsx';

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
        // The stylesheet (antd's, static: the theme runs with zeroRuntime, ~75 KiB) is only preloaded: as a
        // stylesheet, in the head or the body, it held back the first paint (the header above, a
        // pre-rendered page) until it had arrived. main.tsx applies it, and draws nothing before it is in.
        return html
          .replace(/<link rel="stylesheet"([^>]*)>/g, '<link rel="preload" as="style"$1>')
          .replace('<div id="root"></div>', `<div id="root">${shell}</div>`)
          .replace('</head>', preload);
      },
    },
  };
}

// boot.js of a pre-rendered page (see `prerender`): once the page has been painted (the frame after the
// one the markup is drawn in; at once in a hidden tab, which draws no frames), the stylesheet's preload
// goes before the page's inlined styles (theirs stay last), the chunks' module preloads and the module
// script into the head, as index.html has them.
const BOOT = `(function () {
  var d = document.currentScript.dataset;
  function add(tag, attrs, before) {
    var el = document.createElement(tag);
    el.crossOrigin = '';
    for (var k in attrs) el[k] = attrs[k];
    document.head.insertBefore(el, before || null);
  }
  function start() {
    var inline = document.head.querySelector('style');
    d.styles.split(' ').filter(Boolean).forEach(function (href) { add('link', { rel: 'preload', as: 'style', href: href }, inline); });
    d.modules.split(' ').filter(Boolean).forEach(function (href) { add('link', { rel: 'modulepreload', href: href }); });
    add('script', { type: 'module', src: d.entry });
  }
  if (document.visibilityState === 'hidden') start();
  else requestAnimationFrame(function () { setTimeout(start, 0); });
})();`;

/** The pages pre-rendered into their own HTML, and the app paths each file is answered for (src/http/app-shell.ts). */
const PRERENDERED = [
  { file: 'landing.html', route: '/', page: 'pages/Landing.tsx' },
  // Signed out: the server answers it only to a browser without a session (src/http/app-shell.ts).
  { file: 'portal.html', route: '/portal', page: 'pages/Portal.tsx', signedOutOnly: true },
  { file: 'verify.html', route: '/verify', page: 'pages/Verify.tsx' },
] as const;
/** Pages not pre-rendered whose own chunk the HTML announces (modulepreload), so it loads beside the shell's. */
const PRELOADED = [{ file: 'ops.html', route: '/staff/ops', page: 'pages/ops/OpsDashboard.tsx' }] as const;

// Keeps the rules of a stylesheet that can apply to markup using these class names: a selector stays
// unless one of its classes appears nowhere in the markup (rules without a class, @font-face, stay;
// @keyframes and hover/focus states go: nothing animates or is hovered before React has drawn the page
// over it, with the full stylesheet). The kept rules keep their order.
function criticalCss(css: string, used: Set<string>): string {
  const root = postcss.parse(css);
  const keeps = (selector: string) =>
    !/:(hover|active|focus|focus-visible|focus-within)\b/.test(selector) && // the page is inert until React draws it
    [...selector.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)].every((m) => used.has(m[1]));
  root.walk((node) => {
    if (node.type === 'rule') {
      const rule = node as Rule;
      if ((rule.parent as AtRule | undefined)?.name?.endsWith('keyframes')) return;
      const selectors = rule.selectors.filter(keeps);
      if (selectors.length === 0) rule.remove();
      else if (selectors.length < rule.selectors.length) rule.selectors = selectors;
    } else if (node.type === 'atrule' && (node as AtRule).name.endsWith('keyframes')) {
      node.remove();
    }
  });
  root.walkAtRules((at) => {
    if (at.nodes && at.nodes.length === 0) at.remove();
  });
  return root.toString();
}

// The public pages (landing, portal sign-in, verify) paint from their HTML before any script runs: after
// the browser build, web/prerender.tsx is built for Node and renders each page (zh-CN, signed out); its
// markup goes into the root of a copy of index.html, inert and hidden from assistive technology (nothing
// to click or read out before React has drawn the page over it; its test ids are left out, so tests
// find React's elements, not these), with the CSS it needs inlined in the head: the rules of antd's
// stylesheet that its classes use and the theme's variables (the full stylesheet is only preloaded:
// main.tsx applies it). Each such HTML also preloads its page's chunk; routes.json tells the server
// which file answers which path.
function prerender(): Plugin {
  let outDir = '';
  let bundle: Rollup.OutputBundle = {};
  let skip = false;
  return {
    name: 'zhuxiao-prerender',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
      skip = Boolean(config.build.ssr) || config.mode === 'ssr-prerender';
    },
    writeBundle(_options, output) {
      bundle = output;
    },
    async closeBundle() {
      if (skip) return;
      const chunks = Object.values(bundle).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const entry = chunks.find((c) => c.isEntry);
      if (!entry) throw new Error('prerender: no entry chunk');
      // What the entry already loads (index.html preloads it): a page's preloads are the rest of its imports.
      const closure = (c: Rollup.OutputChunk, into = new Set<string>()) => {
        if (into.has(c.fileName)) return into;
        into.add(c.fileName);
        for (const i of c.imports) {
          const d = byName.get(i);
          if (d) closure(d, into);
        }
        return into;
      };
      const initial = closure(entry);
      const preloadsOf = (page: string) => {
        const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(`/src/${page}`));
        if (!chunk) throw new Error(`prerender: no chunk for ${page}`);
        return [...closure(chunk)].filter((f) => !initial.has(f)).map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`);
      };
      const sheetName = Object.values(bundle).find((a) => a.type === 'asset' && a.fileName.endsWith('.css'))?.fileName;
      if (!sheetName) throw new Error('prerender: no stylesheet');
      const [shell, sheet] = await Promise.all([readFile(join(outDir, 'index.html'), 'utf8'), readFile(join(outDir, sheetName), 'utf8')]);
      const rootDiv = /<div id="root">[\s\S]*?<\/div>(?=\s*<link rel="stylesheet"|\s*<\/body>)/;
      if (!rootDiv.test(shell)) throw new Error('prerender: no root element in index.html');
      // A pre-rendered page starts its scripts only once it has been painted: boot.js (tiny, deferred)
      // then adds the module script, the preloads of its chunks and of antd's stylesheet, which the head
      // would otherwise have fetched beside the page (competing with it on a slow link for nothing the
      // first paint shows: its CSS is inlined).
      const bootJs = `${BOOT}\n`;
      const bootName = `assets/boot-${createHash('sha256').update(bootJs).digest('base64url').slice(0, 8)}.js`;
      const deferScripts = (html: string) => {
        const found = { entry: '', modules: [] as string[], styles: [] as string[] };
        const rest = html
          .replace(/\s*<script type="module" crossorigin src="([^"]+)"><\/script>/, (_m, src: string) => { found.entry = src; return ''; })
          .replace(/\s*<link rel="modulepreload" crossorigin href="([^"]+)">/g, (_m, href: string) => { found.modules.push(href); return ''; })
          .replace(/\s*<link rel="preload" as="style" crossorigin href="([^"]+)">/g, (_m, href: string) => { found.styles.push(href); return ''; });
        if (!found.entry) throw new Error('prerender: no module script in index.html');
        const boot = `<script defer src="/${bootName}" data-entry="${found.entry}" data-modules="${found.modules.join(' ')}" data-styles="${found.styles.join(' ')}"></script>`;
        return rest.replace('</head>', `  ${boot}\n  </head>`);
      };
      const withPreloads = (html: string, page: string) => html.replace('</head>', `  ${preloadsOf(page).join('\n    ')}\n  </head>`);

      const tmp = await mkdtemp(join(tmpdir(), 'zhuxiao-prerender-'));
      const routes: Record<string, string | { file: string; signedOutOnly: true }> = {};
      try {
        await build({
          configFile: false,
          root,
          mode: 'ssr-prerender',
          logLevel: 'warn',
          plugins: [react()],
          ssr: { noExternal: true, target: 'node' },
          build: { ssr: join(root, 'prerender.tsx'), outDir: tmp, emptyOutDir: true, target: 'node20', minify: false },
        });
        const { render } = (await import(pathToFileURL(join(tmp, 'prerender.js')).href)) as { render: (path: string) => Promise<Rendered> };
        for (const p of PRERENDERED) {
          const { html, css } = await render(p.route);
          const used = new Set([...html.matchAll(/\sclass="([^"]*)"/g)].flatMap((m) => m[1].split(/\s+/)).filter(Boolean));
          const styles = `<style>${criticalCss(sheet, used)}${css}</style>`;
          const page = deferScripts(withPreloads(shell, p.page))
            .replace('</head>', `  ${styles}\n  </head>`)
            .replace(rootDiv, () => `<div id="root"><div inert aria-hidden="true">${html.replace(/ data-testid="[^"]*"/g, '')}</div></div>`);
          await writeFile(join(outDir, p.file), page);
          routes[p.route] = 'signedOutOnly' in p ? { file: p.file, signedOutOnly: true } : p.file;
        }
        for (const p of PRELOADED) {
          await writeFile(join(outDir, p.file), withPreloads(shell, p.page));
          routes[p.route] = p.file;
        }
        await writeFile(join(outDir, bootName), bootJs);
        await writeFile(join(outDir, 'routes.json'), `${JSON.stringify(routes, null, 2)}\n`);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },
  };
}

// Vendor code is split so that the landing page does not pay for every page's components:
// React + router and the antd core that the shell needs load up front; components only used by
// a lazily loaded page stay in that page's chunk (rolldown's automatic splitting).
export default defineConfig({
  root,
  plugins: [react(), precompress(), firstPaint(), prerender()],
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
