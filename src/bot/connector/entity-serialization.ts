import { Entity } from 'botframework-connector/lib/connectorApi/models/mappers';

/**
 * botframework-connector 4.23 serializes outgoing activities with its generated models, whose `Entity` declares only
 * `type`, `text` and `mentioned`: every other property of an entity was dropped on the wire. Teams reads the AI label
 * (`additionalType: ['AIGeneratedContent']`), citations and a stream's `streaminfo` (`streamId`, `streamType`,
 * `streamSequence`) from entity properties, so the label never reached Teams and a stream could not be followed.
 * This declares every other property as an additional one, kept as is (what botbuilder-js #2648 did in 2020, lost
 * since). Idempotent; called once when the adapter is created. test/bot/streaming.test.ts checks the wire.
 */
export function keepEntityProperties(): void {
  const type = Entity.type as { additionalProperties?: unknown };
  type.additionalProperties ??= { type: { name: 'Object' } };
}
