import { describe, expect, it } from 'vitest';
import { useApiFixture } from '../testing/api-fixture';
import { fleetApi } from './api';

const fx = useApiFixture(fleetApi);

describe('fleet API', () => {
  it('lists the fleet with labels', async () => {
    const fleet = await fx.get('/api/v1/fleet');
    expect(fleet.body.classes).toEqual([
      { hardwareClass: 'cpu-a', agents: ['cpu-a-agent'] },
      { hardwareClass: 'cpu-b', agents: ['cpu-b-agent'] },
    ]);
    expect(fleet.body.agents[0].labels).toHaveProperty('price_per_hour');
  });
});
