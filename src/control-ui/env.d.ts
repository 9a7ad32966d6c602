/** Bun bundles CSS imported from a page module; TypeScript only needs to know such imports exist. */
declare module "*.css";
