import { describe, expect, it } from '@jest/globals';
import { dockerRunArgs, parseDemoArgs } from './container-command.ts';

describe('dockerRunArgs', () => {
  it('runs the image on the host network as the demo user with the temp dir at the same path', () => {
    expect(
      dockerRunArgs({
        image: 'ghcr.io/vaultlet/agent:ci',
        args: ['agent', '-config=/tmp/d/init.json'],
        env: { A: '1', B: 'x=y' },
        dir: '/tmp/d',
        uid: 1001,
        gid: 121,
      }),
    ).toEqual([
      'run',
      '--rm',
      '--network',
      'host',
      '--user',
      '1001:121',
      '--volume',
      '/tmp/d:/tmp/d',
      '--env',
      'A=1',
      '--env',
      'B=x=y',
      'ghcr.io/vaultlet/agent:ci',
      'agent',
      '-config=/tmp/d/init.json',
    ]);
  });
});

describe('parseDemoArgs', () => {
  it.each([
    [[], { keep: false, images: {} }],
    [['--keep'], { keep: true, images: {} }],
    [['--agent-image', 'a:1', '--webhook-image=w:1'], { keep: false, images: { agent: 'a:1', webhook: 'w:1' } }],
    [['--agent-image'], '--agent-image needs an image'],
    [['--kep'], 'unknown argument "--kep"'],
  ])('%p → %p', (argv, want) => {
    expect(parseDemoArgs(argv)).toEqual(want);
  });
});
