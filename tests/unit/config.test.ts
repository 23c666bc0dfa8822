import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded database and the memory queue', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8080, DATA_DIR: '.data', queueDriver: 'memory', embeddedDb: true });
  });

  it('picks rabbitmq when RABBITMQ_URL is set and QUEUE_DRIVER is not', () => {
    expect(loadConfig({ RABBITMQ_URL: 'amqp://localhost' }).queueDriver).toBe('rabbitmq');
    expect(loadConfig({ RABBITMQ_URL: 'amqp://localhost', QUEUE_DRIVER: 'memory' }).queueDriver).toBe(
      'memory',
    );
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ embeddedDb: true, PORT: 8080 });
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', QUEUE_DRIVER: 'kafka' })).toThrow(
      /PORT.*QUEUE_DRIVER|QUEUE_DRIVER.*PORT/,
    );
    expect(() => loadConfig({ QUEUE_DRIVER: 'rabbitmq' })).toThrow(ConfigError);
  });
});
