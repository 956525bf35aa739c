import { Field, ID, InputType, Int, ObjectType, type ClassType } from 'type-graphql';
import { CatalogStatus } from './catalog-status.js';
import type { Company } from './company.entity.js';
import type { Module } from './module.entity.js';
import type { Page } from './catalog.service.js';
import type { Site } from './site.entity.js';
import type { System } from './system.entity.js';

/** Fields every catalog item shows; the key is named per kind (`systemKey`, ...), as the legacy API does. */
@ObjectType()
abstract class CatalogItemType {
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
}

type Common = Pick<CatalogItemType, keyof CatalogItemType>;
const common = (row: Common): Common => ({
  id: row.id,
  name: row.name,
  status: row.status,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

@ObjectType('System', { description: 'A system whose modules permissions are granted on' })
export class SystemType extends CatalogItemType {
  @Field({ description: 'Business key, e.g. ST20260331X1234' })
  systemKey!: string;

  static from(row: System): SystemType {
    return Object.assign(new SystemType(), common(row), { systemKey: row.key });
  }
}

@ObjectType('Module', { description: 'A module of one system' })
export class ModuleType extends CatalogItemType {
  @Field({ description: 'Business key, e.g. MD20260331X5678' })
  moduleKey!: string;

  @Field({ description: 'Business key of the system the module belongs to' })
  systemKey!: string;

  /** The row's system must be loaded. */
  static from(row: Module): ModuleType {
    return Object.assign(new ModuleType(), common(row), { moduleKey: row.key, systemKey: row.system.key });
  }
}

@ObjectType('Company', { description: 'A company: owner of sites, and a permission scope' })
export class CompanyType extends CatalogItemType {
  @Field({ description: 'Business key, e.g. CP20260331X9999' })
  companyKey!: string;

  static from(row: Company): CompanyType {
    return Object.assign(new CompanyType(), common(row), { companyKey: row.key });
  }
}

@ObjectType('Site', { description: 'A site of one company, and a permission scope' })
export class SiteType extends CatalogItemType {
  @Field({ description: 'Business key, e.g. ST20260331X1111 (sites share the ST prefix with systems)' })
  siteKey!: string;

  @Field({ description: 'Business key of the company the site belongs to' })
  companyKey!: string;

  /** The row's company must be loaded. */
  static from(row: Site): SiteType {
    return Object.assign(new SiteType(), common(row), { siteKey: row.key, companyKey: row.company.key });
  }
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

@ObjectType('SystemPage', { description: 'One page of systems, oldest first' })
export class SystemPage extends pageOf(SystemType) {}

@ObjectType('ModulePage', { description: 'One page of modules, oldest first' })
export class ModulePage extends pageOf(ModuleType) {}

@ObjectType('CompanyPage', { description: 'One page of companies, oldest first' })
export class CompanyPage extends pageOf(CompanyType) {}

@ObjectType('SitePage', { description: 'One page of sites, oldest first' })
export class SitePage extends pageOf(SiteType) {}

/** Maps a page of rows into a page object of `Target`. */
export function toPage<Row, Item, Target extends { items: Item[]; total: number; limit: number; offset: number }>(
  target: ClassType<Target>,
  page: Page<Row>,
  map: (row: Row) => Item,
): Target {
  return Object.assign(new target(), { ...page, items: page.items.map(map) });
}

@InputType('CreateSystemInput')
export class CreateSystemInput {
  @Field({ description: '1 to 200 characters after trimming' })
  name!: string;
}

@InputType('CreateCompanyInput')
export class CreateCompanyInput {
  @Field({ description: '1 to 200 characters after trimming' })
  name!: string;
}

@InputType('CreateModuleInput')
export class CreateModuleInput {
  @Field({ description: 'Business key of an existing system' })
  systemKey!: string;

  @Field({ description: '1 to 200 characters after trimming' })
  name!: string;
}

@InputType('CreateSiteInput')
export class CreateSiteInput {
  @Field({ description: 'Business key of an existing company' })
  companyKey!: string;

  @Field({ description: '1 to 200 characters after trimming' })
  name!: string;
}

@InputType('UpdateCatalogItemInput', { description: 'New values for a system, module, company or site' })
export class UpdateCatalogItemInput {
  @Field({ description: '1 to 200 characters after trimming' })
  name!: string;
}
