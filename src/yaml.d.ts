// YAML files are turned into JSON modules at build time (esbuild.mjs, yamlPlugin).
declare module '*.yaml' {
  const value: unknown;
  export default value;
}
