/** Vite bundles CSS imported for its side effect; TypeScript only needs to know the module exists. */
declare module '*.css';
/** Vite's `?raw` imports: the file's text, bundled (docs shown on the page without a fetch). */
declare module '*?raw' {
  const text: string;
  export default text;
}
