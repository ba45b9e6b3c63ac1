/** Vite bundles CSS imported for its side effect; TypeScript only needs to know the module exists. */
declare module '*.css';
