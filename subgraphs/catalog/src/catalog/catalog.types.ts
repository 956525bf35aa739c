import { ArgsType, Field, ID, InputType, Int, ObjectType, type ClassType, type FieldOptions } from 'type-graphql';
import type { CatalogItem } from './catalog-item.entity.js';
import { catalogKindNames, catalogKinds, parentOf, type CatalogKind } from './catalog-kinds.js';
import { CatalogStatus } from './catalog-status.js';
import type { Page } from './catalog.service.js';

/** Fields every catalog item shows; the key is named per kind (`systemKey`, ...), as the legacy API does. */
@ObjectType()
export abstract class CatalogItemType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => CatalogStatus)
  status!: CatalogStatus;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  /** Shown as `<kind>Key` (decorated per kind). */
  key!: string;

  /** Shown as `<parent>Key` by the kinds that have a parent. */
  parentKey?: string;
}

function pageOf<T extends object>(item: ClassType<T>) {
  @ObjectType()
  abstract class PageType {
    @Field(() => [item])
    items!: T[];

    @Field(() => Int, { description: 'Items matching the filters, across all pages' })
    total!: number;

    @Field(() => Int)
    limit!: number;

    @Field(() => Int)
    offset!: number;
  }
  return PageType;
}

/** The arguments of a list query, but `<parent>Key` (see parentKeyIn). */
export interface ListArguments {
  readonly keyword?: string | null;
  readonly limit: number;
  readonly offset: number;
  readonly status?: CatalogStatus | null;
}

const nameRule = { description: '1 to 200 characters after trimming' } as const;

/**
 * Adds a field that only some kinds have by calling its decorator (decorators are plain functions).
 * Input and argument fields are named by their property, so a parent's key (`systemKey`) is one.
 */
function addField(target: ClassType<object>, property: string, type: object, options: FieldOptions = {}): void {
  Field(() => type, options)(target.prototype, property);
}

/** The GraphQL types of one kind: `System`, `SystemPage`, `CreateSystemInput` and its list's arguments. */
function typesOf(kind: CatalogKind) {
  const { label, plural, description, keyExample, parent, pageSize, statusFilter } = catalogKinds[kind];
  const parentKeyName = parent && `${parent}Key`;

  @ObjectType(label, { description })
  class Item extends CatalogItemType {
    @Field(() => String, { name: `${kind}Key`, description: `Business key, e.g. ${keyExample}` })
    override key!: string;

    /** The row's parent, if its kind has one, must be loaded. */
    static from(row: CatalogItem): Item {
      const { id, name, status, createdAt, updatedAt, key } = row;
      const parentKey = parentOf(kind, row)?.key;
      return Object.assign(new Item(), { id, name, status, createdAt, updatedAt, key, parentKey });
    }
  }

  @ObjectType(`${label}Page`, { description: `One page of ${plural}, oldest first` })
  class ItemPage extends pageOf(Item) {}

  @InputType(`Create${label}Input`)
  class CreateInput {
    @Field(nameRule)
    name!: string;
  }

  @ArgsType()
  class ListArgs implements ListArguments {
    @Field(() => String, { nullable: true, description: 'Part of the name or key, case-insensitive' })
    keyword?: string | null;

    @Field(() => Int, { defaultValue: pageSize, description: '1 to 1000' })
    limit!: number;

    @Field(() => Int, { defaultValue: 0, description: '0 or more' })
    offset!: number;

    /** An argument of the kinds with `statusFilter` only. */
    status?: CatalogStatus | null;
  }

  if (parentKeyName) {
    const ofParent = `Business key of the ${parent} the ${kind} belongs to`;
    addField(Item, 'parentKey', String, { name: parentKeyName, description: ofParent });
    addField(CreateInput, parentKeyName, String, { description: `Business key of an existing ${parent}` });
    addField(ListArgs, parentKeyName, String, { nullable: true });
  }
  if (statusFilter) addField(ListArgs, 'status', CatalogStatus, { nullable: true });

  return {
    Item,
    ItemPage,
    CreateInput,
    ListArgs,
    /** The `<parent>Key` of a create input or list arguments; undefined for kinds without a parent. */
    parentKeyIn: (values: object): string | null | undefined =>
      parentKeyName ? (values as Record<string, string | null | undefined>)[parentKeyName] : undefined,
  };
}

/** The GraphQL types of every kind, by kind. */
export const catalogTypes = Object.fromEntries(catalogKindNames.map((kind) => [kind, typesOf(kind)])) as {
  readonly [K in CatalogKind]: ReturnType<typeof typesOf>;
};

/** Maps a page of rows into a page object of `Target`. */
export function toPage<Row, Item, Target extends { items: Item[]; total: number; limit: number; offset: number }>(
  target: ClassType<Target>,
  page: Page<Row>,
  map: (row: Row) => Item,
): Target {
  return Object.assign(new target(), { ...page, items: page.items.map(map) });
}

@InputType('UpdateCatalogItemInput', { description: 'New values for a system, module, company or site' })
export class UpdateCatalogItemInput {
  @Field(nameRule)
  name!: string;
}
