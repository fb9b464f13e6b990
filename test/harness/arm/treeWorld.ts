/** The benchmark's world: N subscriptions × M Flexible Servers (every fifth with a migration) and a Single Server each. */
import { ScriptedBackend } from './backend';
import { ArmWorld } from './world';

export async function treeWorld(subs: number, servers: number): Promise<{ world: ArmWorld; backend: ScriptedBackend }> {
  const world = new ArmWorld();
  const backend = new ScriptedBackend();
  for (let i = 0; i < subs; i++) {
    const sub = `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
    world.addSubscription(sub, `Subscription ${i + 1}`);
    for (let j = 0; j < servers; j++) {
      const server = world.addFlexibleServer({ subscriptionId: sub, resourceGroup: `rg${j % 5}`, name: `flex${i}x${j}` });
      if (j % 5 === 0) await backend.create({ server, name: `m${j}`, location: 'eastus', props: { dbsToMigrate: ['app'], migrationMode: 'Online', migrationOption: 'Migrate', sourceDbServerResourceId: `src${j}:5432@admin` } });
    }
    world.addSingleServer({ subscriptionId: sub, resourceGroup: 'rg0', name: `single${i}` });
  }
  return { world, backend };
}
