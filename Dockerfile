# Build stage: compile natter with the same toolchain the project uses.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY widget ./widget
RUN cargo build --release --locked

# Runtime stage: a small Debian image with only the binary.
FROM debian:bookworm-slim
# CA certificates: for webhooks and mail servers reached over TLS.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home natter \
    && mkdir -p /data && chown natter:natter /data
COPY --from=build /src/target/release/natter /usr/local/bin/natter
USER natter
WORKDIR /data
ENV NATTER_LISTEN=0.0.0.0:8080 \
    NATTER_DATABASE=/data/natter.db
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
    CMD ["natter", "healthcheck", "--listen", "127.0.0.1:8080"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["natter"]
CMD ["serve"]
