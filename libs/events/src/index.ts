export * from './event-bus';
export * from './in-process-event-bus';
export * from './jetstream-event-bus';
export * from './events.module';
