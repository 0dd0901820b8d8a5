// Compiled with `tsc --noEmit --strict` by scripts/test-packages against the installed
// package: the helpers' types, generated from the control plane's contract, are what a
// TypeScript user gets.
import { startSandbox, type Catalog, type Rule, type Network, type AppState } from 'instapub';

async function main(): Promise<void> {
  const sb = await startSandbox();
  const catalog: Catalog = await sb.createCatalog('Mugs', { products: [{ name: 'Blue mug' }] });
  const network: Network = 'reset';
  const rule: Rule = await sb.addFault({ endpoint: 'media_publish' }, { network, times: 1 });
  const settings: AppState = await sb.setApp({ app_calls_per_hour: 500 });
  const names: string[] = catalog.products.map((p) => p.name);
  const hook = await sb.webhooks.receiver(['comments']);
  await sb.triggerWebhook('comments', { text: 'hi' });
  const delivery = await hook.waitFor({ field: 'comments' });
  const ok: boolean = delivery.verified && delivery.fields.includes('comments');
  console.log(ok);
  console.log(rule.id, settings.media_store.max_bytes, names);
  await sb.stop();
}

void main();
