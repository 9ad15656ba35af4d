# One image for the three services; docker-compose.yml picks the main class per service.
# Build: docker build -t multisigner:dev .   (needs a Docker engine; none runs on the dev machines)
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -q -B -DskipTests -Dspotless.check.skip=true install

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/cli/target/multisigner.jar /app/multisigner.jar
COPY --from=build /src/cli/target/lib /app/lib
ENV MULTISIGNER_MAIN=dev.multisigner.cli.MultisignerCommand
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/multisigner.jar:/app/lib/*' $MULTISIGNER_MAIN \"$@\"", "--"]
