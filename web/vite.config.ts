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

// antd's static stylesheet (antd/dist/antd.css, imported by main.tsx) styles every component: 1 MB that
// the browser parses, and matches against the page, before the first render. The build drops the rules of
// the components the app never uses: a component's rules go when none of the words that pull it in (its
// own name, or a feature of a used component that draws it, e.g. Table's `filters` draw a Dropdown with a
// Menu) appears anywhere in web/src. So a page that starts using one gets its styles back with the next
// build. A selector goes if one of its classes is such a component's; the kept rules keep their order.
const ANTD_OPTIONAL: { classes: RegExp; words: RegExp }[] = [
  { classes: /^ant-(tree|select-tree)(-|$)/, words: /\b(Tree|TreeSelect|filterMode)\b/ },
  { classes: /^ant-mentions(-|$)/, words: /\bMentions\b/ },
  { classes: /^ant-color-picker(-|$)/, words: /\bColorPicker\b/ },
  { classes: /^ant-cascader(-|$)/, words: /\bCascader\b/ },
  { classes: /^ant-image(-|$)/, words: /\bImage\b/ },
  { classes: /^ant-drawer(-|$)/, words: /\bDrawer\b/ },
  { classes: /^ant-tour(-|$)/, words: /\bTour\b/ },
  { classes: /^ant-slider(-|$)/, words: /\b(Slider|ColorPicker)\b/ },
  { classes: /^ant-splitter(-|$)/, words: /\bSplitter\b/ },
  { classes: /^ant-transfer(-|$)/, words: /\bTransfer\b/ },
  { classes: /^ant-carousel(-|$)/, words: /\bCarousel\b/ },
  { classes: /^ant-float-btn(-|$)/, words: /\bFloatButton\b/ },
  { classes: /^ant-anchor(-|$)/, words: /\bAnchor\b/ },
  { classes: /^ant-affix(-|$)/, words: /\b(Affix|Anchor)\b/ },
  { classes: /^ant-breadcrumb(-|$)/, words: /\bBreadcrumb\b/ },
  { classes: /^ant-rate(-|$)/, words: /\bRate\b/ },
  { classes: /^ant-qrcode(-|$)/, words: /\bQRCode\b/ },
  { classes: /^ant-masonry(-|$)/, words: /\bMasonry\b/ },
  { classes: /^ant-(badge|ribbon)(-|$)/, words: /\b(Badge|FloatButton|Avatar)\b/ },
  { classes: /^ant-avatar(-|$)/, words: /\bAvatar\b/ },
  { classes: /^ant-switch(-|$)/, words: /\bSwitch\b/ },
  { classes: /^ant-divider(-|$)/, words: /\bDivider\b/ },
  { classes: /^ant-otp(-|$)/, words: /\bOTP\b/ },
  { classes: /^ant-notification(-|$)/, words: /\bnotification\b/ },
  { classes: /^ant-menu(-|$)/, words: /\b(Menu|Dropdown|filterDropdown)\b|\b(filters|selections)\s*[=:]\s*[[{]/ },
  // The grid's offset/push/pull/order classes (five breakpoints × 25 values each), kept if any Col takes them.
  { classes: /^ant-col-((xs|sm|md|lg|xl|xxl|xxxl)-)?(push|pull|offset|order)-/, words: /\b(push|pull|offset|order)\s*[=:]/ },
];

async function sourceText(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  const parts = await Promise.all(entries.map((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceText(p);
    return /\.(tsx?|jsx?)$/.test(e.name) ? readFile(p, 'utf8') : '';
  }));
  return parts.join('\n');
}

function antdStylesheet(): Plugin {
  let unused: RegExp[] | undefined;
  return {
    name: 'zhuxiao-antd-stylesheet',
    apply: 'build',
    enforce: 'pre',
    async buildStart() {
      const src = await sourceText(join(root, 'src'));
      unused = ANTD_OPTIONAL.filter((o) => !o.words.test(src)).map((o) => o.classes);
    },
    transform(code, id) {
      if (!unused || !/[\\/]antd[\\/]dist[\\/]antd\.css$/.test(id.split('?')[0])) return null;
      const drops = (selector: string) => [...selector.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)].some((m) => unused!.some((re) => re.test(m[1])));
      const sheet = postcss.parse(code);
      sheet.walkRules((rule) => {
        if ((rule.parent as AtRule | undefined)?.name?.endsWith('keyframes')) return;
        const selectors = rule.selectors.filter((sel) => !drops(sel));
        if (selectors.length === 0) rule.remove();
        else if (selectors.length < rule.selectors.length) rule.selectors = selectors;
      });
      sheet.walkAtRules((at) => {
        if (at.nodes && at.nodes.length === 0) at.remove();
      });
      return { code: sheet.toString(), map: null };
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

// boot.js starts the app in every HTML the build writes (the shell and the pre-rendered pages; see
// `prerender`). The module script's graph would be evaluated in one task (React, antd's core, i18n: ~40 ms
// on a fast machine, four times that on a mid-range phone); instead the app's initial chunks are started
// one after the other (`data-chain`, each a module script inserted once the one before has run: one task
// each), then the entry, which finds them evaluated. They are all fetched side by side from the start (the
// module preloads). On a pre-rendered page it starts once the page has been painted (the frame after the
// one the markup is drawn in; at once in a hidden tab, which draws no frames): the stylesheet's preload
// goes before the page's inlined styles (theirs stay last), the chunks' module preloads into the head,
// as index.html has them. In the shell (`data-now`) the preloads are already in the head: it starts at once.
const BOOT = `(function () {
  var d = document.currentScript.dataset;
  function list(s) { return (s || '').split(' ').filter(Boolean); }
  function add(tag, attrs, before) {
    var el = document.createElement(tag);
    el.crossOrigin = '';
    for (var k in attrs) el[k] = attrs[k];
    return document.head.insertBefore(el, before || null);
  }
  function run(srcs) {
    if (!srcs.length) return;
    var s = add('script', { type: 'module', src: srcs[0] });
    s.onload = s.onerror = function () { run(srcs.slice(1)); };
  }
  function start() {
    var inline = document.head.querySelector('style');
    list(d.styles).forEach(function (href) { add('link', { rel: 'preload', as: 'style', href: href }, inline); });
    list(d.modules).forEach(function (href) { add('link', { rel: 'modulepreload', href: href }); });
    run(list(d.chain).concat([d.entry]));
  }
  if (d.now !== undefined || document.visibilityState === 'hidden') start();
  else requestAnimationFrame(function () { setTimeout(start, 0); });
})();`;

/** The pages pre-rendered into their own HTML, and the app paths each file is answered for (src/http/app-shell.ts). */
const PRERENDERED = [
  { file: 'landing.html', route: '/', page: 'pages/Landing.tsx' },
  // Signed out: the server answers it only to a browser without a session (src/http/app-shell.ts).
  { file: 'portal.html', route: '/portal', page: 'pages/Portal.tsx', signedOutOnly: true },
  { file: 'verify.html', route: '/verify', page: 'pages/Verify.tsx' },
] as const;
/** Pages not pre-rendered whose own chunks the HTML announces (modulepreload), so they load beside the shell's:
 * the ops dashboard and its default section, the overview (a chunk of its own, as every section). */
const PRELOADED = [{ file: 'ops.html', route: '/staff/ops', page: ['pages/ops/OpsDashboard.tsx', 'pages/ops/Overview.tsx'] }] as const;

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
      const preloadsOf = (pages: string | readonly string[]) => {
        const files = new Set<string>();
        for (const page of typeof pages === 'string' ? [pages] : pages) {
          const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(`/src/${page}`));
          if (!chunk) throw new Error(`prerender: no chunk for ${page}`);
          closure(chunk, files);
        }
        return [...files].filter((f) => !initial.has(f)).map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`);
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
      // The entry's own chunks, in the order index.html preloads them (each after those it imports).
      const chainOf = (html: string) => [...html.matchAll(/<link rel="modulepreload" crossorigin href="\/([^"]+)">/g)].map((m) => m[1]).filter((f) => initial.has(f) && f !== entry.fileName).map((f) => `/${f}`);
      // now: the shell, whose preloads stay in its head; otherwise a pre-rendered page, started once painted.
      const deferScripts = (html: string, now = false) => {
        const found = { entry: '', modules: [] as string[], styles: [] as string[] };
        const chain = chainOf(html);
        let rest = html.replace(/\s*<script type="module" crossorigin src="([^"]+)"><\/script>/, (_m, src: string) => { found.entry = src; return ''; });
        if (!now) {
          rest = rest
            .replace(/\s*<link rel="modulepreload" crossorigin href="([^"]+)">/g, (_m, href: string) => { found.modules.push(href); return ''; })
            .replace(/\s*<link rel="preload" as="style" crossorigin href="([^"]+)">/g, (_m, href: string) => { found.styles.push(href); return ''; });
        }
        if (!found.entry) throw new Error('prerender: no module script in index.html');
        const boot = `<script defer src="/${bootName}"${now ? ' data-now' : ''} data-entry="${found.entry}" data-chain="${chain.join(' ')}" data-modules="${found.modules.join(' ')}" data-styles="${found.styles.join(' ')}"></script>`;
        return rest.replace('</head>', `  ${boot}\n  </head>`);
      };
      const withPreloads = (html: string, page: string | readonly string[]) => html.replace('</head>', `  ${preloadsOf(page).join('\n    ')}\n  </head>`);

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
          await writeFile(join(outDir, p.file), deferScripts(withPreloads(shell, p.page), true));
          routes[p.route] = p.file;
        }
        await writeFile(join(outDir, 'index.html'), deferScripts(shell, true));
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
  plugins: [antdStylesheet(), react(), precompress(), firstPaint(), prerender()],
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
