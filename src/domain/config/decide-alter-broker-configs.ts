import * as E from 'fp-ts/Either';
import { ErrorCode, KafkaError, kafkaError } from '../error-code';
import { ConfigType } from '../topic/config-entry';
import type { AlterOp } from '../topic/decide-alter-topic-configs';
import type { BrokerConfigEvent, BrokerConfigScope } from './broker-config-events';
import { dynamicBrokerConfigDef } from './dynamic-broker-config-defs';
import { applyAlterOp } from './alter-op';
import type { DynamicBrokerConfigs } from './dynamic-broker-configs';

export interface AlterBrokerConfigsCommand {
  readonly scope: BrokerConfigScope;
  readonly changes: ReadonlyArray<{ readonly name: string; readonly op: AlterOp; readonly value: string | null }>;
  /** Legacy AlterConfigs: the listed configs replace every dynamic setting of the scope. */
  readonly replaceAll: boolean;
  readonly validateOnly: boolean;
}

/**
 * AlterConfigs / IncrementalAlterConfigs for a BROKER resource, as Kafka's ConfigAdminManager
 * validates them: APPEND/SUBTRACT on an unknown or non-list config is INVALID_CONFIG; a config that
 * cannot change at run time, or a bad value, is INVALID_REQUEST (KAFKA-13609: Kafka reports broker
 * config validation failures that way). Nothing changes unless every config of the resource is valid.
 */
export const decideAlterBrokerConfigs = (
  state: DynamicBrokerConfigs,
  cmd: AlterBrokerConfigsCommand,
): E.Either<KafkaError, ReadonlyArray<BrokerConfigEvent>> => {
  const current = state[cmd.scope];
  const next = new Map(cmd.replaceAll ? [] : current);
  for (const c of cmd.changes) {
    if (c.op === 'DELETE') {
      next.delete(c.name);
      continue;
    }
    const d = dynamicBrokerConfigDef(c.name);
    if (c.op === 'APPEND' || c.op === 'SUBTRACT') {
      if (d === undefined) return E.left(kafkaError(ErrorCode.INVALID_CONFIG, `Unknown config name: ${c.name}`));
      if (d.type !== ConfigType.LIST) {
        const verb = c.op === 'APPEND' ? 'append' : 'subtract';
        return E.left(kafkaError(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${c.name}`));
      }
    }
    if (c.value === null) return E.left(kafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`));
    next.set(c.name, applyAlterOp(c.op, next.get(c.name) ?? d?.defaultValue ?? '', c.value));
  }
  const fixed = [...next.keys()].filter((name) => dynamicBrokerConfigDef(name) === undefined);
  if (fixed.length > 0) return E.left(kafkaError(ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: Set(${fixed.join(', ')})`));
  for (const [name, value] of next) {
    const why = dynamicBrokerConfigDef(name)!.validate(value);
    if (why !== null) return E.left(kafkaError(ErrorCode.INVALID_REQUEST, `${why} for configuration ${name}`));
  }
  const changed: { name: string; value: string | null }[] = [];
  for (const [name, value] of next) if (current.get(name) !== value) changed.push({ name, value });
  for (const name of current.keys()) if (!next.has(name)) changed.push({ name, value: null });
  if (cmd.validateOnly || changed.length === 0) return E.right([]);
  return E.right([{ type: 'BrokerConfigChanged', scope: cmd.scope, configs: changed }]);
};
