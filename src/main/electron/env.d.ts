// `import path from '...png?asset'` (electron-vite copies the file next to the bundle and resolves
// its path at run time, in development and in the packaged app alike).
/// <reference types="electron-vite/node" />
