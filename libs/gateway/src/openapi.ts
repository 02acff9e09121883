import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI document and UI at /docs (JSON at /docs-json). */
export function mountOpenApi(app: INestApplication, issuer: string): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Argus IdP')
      .setDescription('OAuth 2.0 / OpenID Connect identity provider: token endpoints and admin API')
      .setVersion('0.1.0')
      .addServer(issuer)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
