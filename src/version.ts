/** The version this build reports (`openclaw --version`, `hello-ok.server.version`). */
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
