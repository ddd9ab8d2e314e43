/** The JSON Schema for editors, generated from the same description as the validator. */
import { configSchema, DURATION, type Node } from './schema.js';

type Json = Record<string, unknown>;

const durationPattern = (forever: boolean, positive = false) => `^${positive ? '(?!0+(\\.0+)?(ms|s|m|h|d)$)' : ''}(${DURATION.source.slice(1, -1)}${forever ? '|forever' : ''})$`;

function toSchema(node: Node): Json {
  switch (node.kind) {
    case 'string':
      return {
        type: 'string',
        description: node.desc,
        ...(node.enum ? { enum: [...node.enum] } : {}),
        ...(node.pattern && node.pattern.source !== '.' ? { pattern: node.pattern.source } : {}),
      };
    case 'duration':
      return { type: 'string', description: node.desc, pattern: durationPattern(node.forever, node.positive), examples: ['30s', '10m', '1h', '7d', ...(node.forever ? ['forever'] : [])] };
    case 'boolean':
      return { type: 'boolean', description: node.desc };
    case 'number':
      return { type: node.integer ? 'integer' : 'number', description: node.desc, minimum: node.min };
    case 'array':
      return { type: 'array', description: node.desc, items: toSchema(node.items), ...(node.nonEmpty ? { minItems: 1 } : {}) };
    case 'object': {
      const required = Object.entries(node.props).filter(([, p]) => p.required).map(([k]) => k);
      return {
        type: 'object',
        description: node.desc,
        properties: Object.fromEntries(Object.entries(node.props).map(([k, p]) => [k, toSchema(p.node)])),
        ...(required.length ? { required } : {}),
        additionalProperties: false,
      };
    }
  }
}

/**
 * The rules validate.ts applies per layer: a file that `extends` others needs
 * no `phases`, and its checks may override keys without repeating `run`.
 */
function layerRules(schema: Json): Json {
  const check = ((schema.properties as Json).phases as Json & { items: Json }).items.properties as Json;
  const checkItems = (check.checks as Json).items as Json;
  checkItems.required = ['name'];
  return {
    ...schema,
    anyOf: [{ required: ['phases'] }, { required: ['extends'] }],
    if: { not: { required: ['extends'] } },
    then: { properties: { phases: { items: { properties: { checks: { items: { required: ['run'] } } } } } } },
  };
}

export function jsonSchema(): Json {
  return layerRules({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'heph configuration (.heph.json)', ...toSchema(configSchema) });
}

/** The text of the shipped schema.json. */
export function renderSchemaFile(): string {
  return JSON.stringify(jsonSchema(), null, 2) + '\n';
}
