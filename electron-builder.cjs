// electron-builder configuration for `npm run dist`.
// Set WEFT_ELECTRON_DIST to an unpacked Electron folder (or its zip) to build without downloading Electron.
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.weft.studio',
  productName: 'Weft',
  executableName: 'weft',
  copyright: 'Copyright © Weft contributors',
  directories: { output: 'dist/packages', buildResources: 'resources/build' },
  electronDist: process.env.WEFT_ELECTRON_DIST || undefined,
  // onnxruntime-node and sharp ship N-API prebuilt binaries: nothing to rebuild for Electron.
  npmRebuild: false,
  files: [
    'package.json',
    'dist/electron/**',
    'dist/renderer/**',
    'resources/examples/**',
    'resources/data/**',
    // Exclusions last: a later include would bring files back.
    '!dist/**/*.map',
    // The CLI's TypeScript runner: the app runs bundles, not sources.
    '!node_modules/{tsx,esbuild,@esbuild}/**',
    // onnxruntime ships every platform's binaries; keep the target's (electron-builder expands the macros).
    '!node_modules/onnxruntime-node/bin/napi-v*/!(${platform})/**',
    '!node_modules/onnxruntime-node/bin/napi-v*/${platform}/!(${arch})/**',
  ],
  asar: true,
  // Native code cannot load from inside an asar archive.
  asarUnpack: ['**/node_modules/onnxruntime-node/bin/**', '**/node_modules/sharp/**', '**/node_modules/@img/**'],
  fileAssociations: [
    { ext: 'weft.json', name: 'Weft pipeline', role: 'Editor', mimeType: 'application/x-weft-pipeline' },
  ],
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
  },
  deb: { depends: ['libnss3', 'libgbm1', 'libasound2'] },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
};
