import { ReadinessRegistry } from '@argus/platform';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Registers `SELECT 1` on a service's DataSource as a readiness probe. */
export function databaseReadinessProvider(service: string) {
  @Injectable()
  class DatabaseReadiness implements OnModuleInit {
    constructor(
      private readonly readiness: ReadinessRegistry,
      private readonly moduleRef: ModuleRef,
    ) {}

    onModuleInit(): void {
      const dataSource = this.moduleRef.get<DataSource>(getDataSourceToken(service), { strict: false });
      this.readiness.register(`database:${service}`, async () => {
        await dataSource.query('SELECT 1');
      });
    }
  }
  Object.defineProperty(DatabaseReadiness, 'name', { value: `${service}DatabaseReadiness` });
  return DatabaseReadiness;
}
