import { HubPubSub, scopedTopic } from './hub-pubsub';

describe('HubPubSub jurisdiction topics', () => {
  it('lists the jurisdictions with subscribers, and forgets one when its last subscriber leaves', async () => {
    const ps = new HubPubSub();
    const city = ps.subscribe(scopedTopic('WARNING_RAISED', { level: 'CITY', divisionCode: '370100' }));
    const county = ps.subscribe(scopedTopic('WARNING_RAISED', { level: 'COUNTY', divisionCode: '370102' }));
    ps.subscribe(scopedTopic('SCORE_CHANGED', { level: 'PROVINCE', divisionCode: '370000' }));
    expect(ps.activeScopes('WARNING_RAISED')).toEqual([
      { level: 'CITY', divisionCode: '370100' },
      { level: 'COUNTY', divisionCode: '370102' },
    ]);
    ps.publish(scopedTopic('WARNING_RAISED', { level: 'COUNTY', divisionCode: '370102' }), { n: 1 });
    expect(await county.next()).toEqual({ value: { n: 1 }, done: false });
    await city.return!();
    expect(ps.activeScopes('WARNING_RAISED')).toEqual([{ level: 'COUNTY', divisionCode: '370102' }]);
  });
});
