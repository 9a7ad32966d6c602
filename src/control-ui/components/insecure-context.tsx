/** Shown instead of the app when this browser cannot hold a device key (no secure context, no WebCrypto Ed25519). */
export function InsecureContext({ problem }: { problem: string }) {
  return (
    <main class="content narrow">
      <section class="banner banner-error" role="alert" data-testid="insecure-context">
        <h1>This page cannot sign in from here</h1>
        <p>{problem}</p>
      </section>
    </main>
  );
}
