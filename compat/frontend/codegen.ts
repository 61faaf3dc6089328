// graphql-codegen's configuration for the example frontend: typed documents for the
// operations in operations/*.graphql, checked against the committed schema.graphql.
// The test suite points it elsewhere through the environment (its operations come from
// docs/api.md, its output goes to a scratch directory); a frontend keeps only the defaults.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: process.env.EDIARY_SCHEMA ?? "../../schema.graphql",
  documents: process.env.EDIARY_OPERATIONS ?? "operations/*.graphql",
  // An operation that does not validate against the schema stops generation.
  ignoreNoDocuments: false,
  generates: {
    [process.env.EDIARY_GENERATED ?? "generated/"]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents as typed strings: sent as they are with fetch, no GraphQL runtime needed.
        documentMode: "string",
        useTypeImports: true,
        // Node's ES modules want the extension in relative imports.
        importExtension: ".js",
        enumsAsTypes: true,
        // A scalar the schema adds later is `unknown` until it is listed here, never `any`.
        defaultScalarType: "unknown",
        scalars: {
          Date: "string",
          DateTime: "string",
          Time: "string",
          Week: "string",
          Upload: "File",
        },
      },
    },
  },
};

export default config;
