import protobuf from 'protobufjs';

/**
 * The protobuf messages of gnostic's `openapi.v2` package (OpenAPIv2.proto), the encoding kubectl asks for
 * with `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`. Field numbers are the wire
 * format and must match gnostic exactly. Each message is written compactly as `name=number type`, with a
 * leading `*` for repeated fields and `|` joining the members of the message's one `oneof`.
 */
const messages: Record<string, string> = {
  AdditionalPropertiesItem: 'schema=1 Schema | boolean=2 bool',
  Any: 'value=1 google.protobuf.Any; yaml=2 string',
  ApiKeySecurity: 'type=1 string; name=2 string; in=3 string; description=4 string; *vendorExtension=5 NamedAny',
  BasicAuthenticationSecurity: 'type=1 string; description=2 string; *vendorExtension=3 NamedAny',
  BodyParameter: 'description=1 string; name=2 string; in=3 string; required=4 bool; schema=5 Schema; *vendorExtension=6 NamedAny',
  Contact: 'name=1 string; url=2 string; email=3 string; *vendorExtension=4 NamedAny',
  Default: '*additionalProperties=1 NamedAny',
  Definitions: '*additionalProperties=1 NamedSchema',
  Document:
    'swagger=1 string; info=2 Info; host=3 string; basePath=4 string; *schemes=5 string; *consumes=6 string; ' +
    '*produces=7 string; paths=8 Paths; definitions=9 Definitions; parameters=10 ParameterDefinitions; ' +
    'responses=11 ResponseDefinitions; *security=12 SecurityRequirement; securityDefinitions=13 SecurityDefinitions; ' +
    '*tags=14 Tag; externalDocs=15 ExternalDocs; *vendorExtension=16 NamedAny',
  Examples: '*additionalProperties=1 NamedAny',
  ExternalDocs: 'description=1 string; url=2 string; *vendorExtension=3 NamedAny',
  FileSchema:
    'format=1 string; title=2 string; description=3 string; default=4 Any; *required=5 string; type=6 string; ' +
    'readOnly=7 bool; externalDocs=8 ExternalDocs; example=9 Any; *vendorExtension=10 NamedAny',
  FormDataParameterSubSchema:
    'required=1 bool; in=2 string; description=3 string; name=4 string; allowEmptyValue=5 bool; type=6 string; ' +
    'format=7 string; items=8 PrimitivesItems; collectionFormat=9 string; default=10 Any; maximum=11 double; ' +
    'exclusiveMaximum=12 bool; minimum=13 double; exclusiveMinimum=14 bool; maxLength=15 int64; minLength=16 int64; ' +
    'pattern=17 string; maxItems=18 int64; minItems=19 int64; uniqueItems=20 bool; *enum=21 Any; multipleOf=22 double; ' +
    '*vendorExtension=23 NamedAny',
  Header:
    'type=1 string; format=2 string; items=3 PrimitivesItems; collectionFormat=4 string; default=5 Any; ' +
    'maximum=6 double; exclusiveMaximum=7 bool; minimum=8 double; exclusiveMinimum=9 bool; maxLength=10 int64; ' +
    'minLength=11 int64; pattern=12 string; maxItems=13 int64; minItems=14 int64; uniqueItems=15 bool; *enum=16 Any; ' +
    'multipleOf=17 double; description=18 string; *vendorExtension=19 NamedAny',
  HeaderParameterSubSchema:
    'required=1 bool; in=2 string; description=3 string; name=4 string; type=5 string; format=6 string; ' +
    'items=7 PrimitivesItems; collectionFormat=8 string; default=9 Any; maximum=10 double; exclusiveMaximum=11 bool; ' +
    'minimum=12 double; exclusiveMinimum=13 bool; maxLength=14 int64; minLength=15 int64; pattern=16 string; ' +
    'maxItems=17 int64; minItems=18 int64; uniqueItems=19 bool; *enum=20 Any; multipleOf=21 double; *vendorExtension=22 NamedAny',
  Headers: '*additionalProperties=1 NamedHeader',
  Info:
    'title=1 string; version=2 string; description=3 string; termsOfService=4 string; contact=5 Contact; ' +
    'license=6 License; *vendorExtension=7 NamedAny',
  ItemsItem: '*schema=1 Schema',
  JsonReference: 'ref=1 string; description=2 string',
  License: 'name=1 string; url=2 string; *vendorExtension=3 NamedAny',
  NamedAny: 'name=1 string; value=2 Any',
  NamedHeader: 'name=1 string; value=2 Header',
  NamedParameter: 'name=1 string; value=2 Parameter',
  NamedPathItem: 'name=1 string; value=2 PathItem',
  NamedResponse: 'name=1 string; value=2 Response',
  NamedResponseValue: 'name=1 string; value=2 ResponseValue',
  NamedSchema: 'name=1 string; value=2 Schema',
  NamedSecurityDefinitionsItem: 'name=1 string; value=2 SecurityDefinitionsItem',
  NamedString: 'name=1 string; value=2 string',
  NamedStringArray: 'name=1 string; value=2 StringArray',
  NonBodyParameter:
    'headerParameterSubSchema=1 HeaderParameterSubSchema | formDataParameterSubSchema=2 FormDataParameterSubSchema | ' +
    'queryParameterSubSchema=3 QueryParameterSubSchema | pathParameterSubSchema=4 PathParameterSubSchema',
  Oauth2AccessCodeSecurity:
    'type=1 string; flow=2 string; scopes=3 Oauth2Scopes; authorizationUrl=4 string; tokenUrl=5 string; ' +
    'description=6 string; *vendorExtension=7 NamedAny',
  Oauth2ApplicationSecurity:
    'type=1 string; flow=2 string; scopes=3 Oauth2Scopes; tokenUrl=4 string; description=5 string; *vendorExtension=6 NamedAny',
  Oauth2ImplicitSecurity:
    'type=1 string; flow=2 string; scopes=3 Oauth2Scopes; authorizationUrl=4 string; description=5 string; *vendorExtension=6 NamedAny',
  Oauth2PasswordSecurity:
    'type=1 string; flow=2 string; scopes=3 Oauth2Scopes; tokenUrl=4 string; description=5 string; *vendorExtension=6 NamedAny',
  Oauth2Scopes: '*additionalProperties=1 NamedString',
  Operation:
    '*tags=1 string; summary=2 string; description=3 string; externalDocs=4 ExternalDocs; operationId=5 string; ' +
    '*produces=6 string; *consumes=7 string; *parameters=8 ParametersItem; responses=9 Responses; *schemes=10 string; ' +
    'deprecated=11 bool; *security=12 SecurityRequirement; *vendorExtension=13 NamedAny',
  Parameter: 'bodyParameter=1 BodyParameter | nonBodyParameter=2 NonBodyParameter',
  ParameterDefinitions: '*additionalProperties=1 NamedParameter',
  ParametersItem: 'parameter=1 Parameter | jsonReference=2 JsonReference',
  PathItem:
    'ref=1 string; get=2 Operation; put=3 Operation; post=4 Operation; delete=5 Operation; options=6 Operation; ' +
    'head=7 Operation; patch=8 Operation; *parameters=9 ParametersItem; *vendorExtension=10 NamedAny',
  PathParameterSubSchema:
    'required=1 bool; in=2 string; description=3 string; name=4 string; type=5 string; format=6 string; ' +
    'items=7 PrimitivesItems; collectionFormat=8 string; default=9 Any; maximum=10 double; exclusiveMaximum=11 bool; ' +
    'minimum=12 double; exclusiveMinimum=13 bool; maxLength=14 int64; minLength=15 int64; pattern=16 string; ' +
    'maxItems=17 int64; minItems=18 int64; uniqueItems=19 bool; *enum=20 Any; multipleOf=21 double; *vendorExtension=22 NamedAny',
  Paths: '*vendorExtension=1 NamedAny; *path=2 NamedPathItem',
  PrimitivesItems:
    'type=1 string; format=2 string; items=3 PrimitivesItems; collectionFormat=4 string; default=5 Any; ' +
    'maximum=6 double; exclusiveMaximum=7 bool; minimum=8 double; exclusiveMinimum=9 bool; maxLength=10 int64; ' +
    'minLength=11 int64; pattern=12 string; maxItems=13 int64; minItems=14 int64; uniqueItems=15 bool; *enum=16 Any; ' +
    'multipleOf=17 double; *vendorExtension=18 NamedAny',
  Properties: '*additionalProperties=1 NamedSchema',
  QueryParameterSubSchema:
    'required=1 bool; in=2 string; description=3 string; name=4 string; allowEmptyValue=5 bool; type=6 string; ' +
    'format=7 string; items=8 PrimitivesItems; collectionFormat=9 string; default=10 Any; maximum=11 double; ' +
    'exclusiveMaximum=12 bool; minimum=13 double; exclusiveMinimum=14 bool; maxLength=15 int64; minLength=16 int64; ' +
    'pattern=17 string; maxItems=18 int64; minItems=19 int64; uniqueItems=20 bool; *enum=21 Any; multipleOf=22 double; ' +
    '*vendorExtension=23 NamedAny',
  Response: 'description=1 string; schema=2 SchemaItem; headers=3 Headers; examples=4 Examples; *vendorExtension=5 NamedAny',
  ResponseDefinitions: '*additionalProperties=1 NamedResponse',
  ResponseValue: 'response=1 Response | jsonReference=2 JsonReference',
  Responses: '*responseCode=1 NamedResponseValue; *vendorExtension=2 NamedAny',
  Schema:
    'ref=1 string; format=2 string; title=3 string; description=4 string; default=5 Any; multipleOf=6 double; ' +
    'maximum=7 double; exclusiveMaximum=8 bool; minimum=9 double; exclusiveMinimum=10 bool; maxLength=11 int64; ' +
    'minLength=12 int64; pattern=13 string; maxItems=14 int64; minItems=15 int64; uniqueItems=16 bool; ' +
    'maxProperties=17 int64; minProperties=18 int64; *required=19 string; *enum=20 Any; ' +
    'additionalProperties=21 AdditionalPropertiesItem; type=22 TypeItem; items=23 ItemsItem; *allOf=24 Schema; ' +
    'properties=25 Properties; discriminator=26 string; readOnly=27 bool; xml=28 Xml; externalDocs=29 ExternalDocs; ' +
    'example=30 Any; *vendorExtension=31 NamedAny',
  SchemaItem: 'schema=1 Schema | fileSchema=2 FileSchema',
  SecurityDefinitions: '*additionalProperties=1 NamedSecurityDefinitionsItem',
  SecurityDefinitionsItem:
    'basicAuthenticationSecurity=1 BasicAuthenticationSecurity | apiKeySecurity=2 ApiKeySecurity | ' +
    'oauth2ImplicitSecurity=3 Oauth2ImplicitSecurity | oauth2PasswordSecurity=4 Oauth2PasswordSecurity | ' +
    'oauth2ApplicationSecurity=5 Oauth2ApplicationSecurity | oauth2AccessCodeSecurity=6 Oauth2AccessCodeSecurity',
  SecurityRequirement: '*additionalProperties=1 NamedStringArray',
  StringArray: '*value=1 string',
  Tag: 'name=1 string; description=2 string; externalDocs=3 ExternalDocs; *vendorExtension=4 NamedAny',
  TypeItem: '*value=1 string',
  VendorExtension: '*additionalProperties=1 NamedAny',
  Xml: 'name=1 string; namespace=2 string; prefix=3 string; attribute=4 bool; wrapped=5 bool; *vendorExtension=6 NamedAny',
};

interface FieldJson {
  type: string;
  id: number;
  rule?: 'repeated';
}

function messageJson(spec: string): protobuf.IType {
  const isOneof = spec.includes('|');
  const fields: Record<string, FieldJson> = {};
  for (const part of spec.split(isOneof ? '|' : ';')) {
    const m = /^\s*(\*?)(\w+)=(\d+) ([\w.]+)\s*$/.exec(part);
    if (!m) throw new Error(`bad field spec "${part}"`);
    const [, star, name, id, type] = m as unknown as [string, string, string, string, string];
    fields[name] = { type, id: Number(id), ...(star ? { rule: 'repeated' as const } : {}) };
  }
  return isOneof ? { fields, oneofs: { oneof: { oneof: Object.keys(fields) } } } : { fields };
}

let root: protobuf.Root | undefined;

/** The `openapi.v2` protobuf root, built on first use. */
export function gnosticRoot(): protobuf.Root {
  if (!root) {
    const nested: Record<string, protobuf.IType> = {};
    for (const [name, spec] of Object.entries(messages)) nested[name] = messageJson(spec);
    root = protobuf.Root.fromJSON({
      nested: {
        google: { nested: { protobuf: { nested: { Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } } } },
        openapi: { nested: { v2: { nested } } },
      },
    });
  }
  return root;
}

/** The `openapi.v2.Document` message type. */
export function documentType(): protobuf.Type {
  return gnosticRoot().lookupType('openapi.v2.Document');
}
