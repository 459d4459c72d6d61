# Multi-stage build of a small, non-root toolwall image. Every step here is one the README's own
# install command runs on Debian 12 (scripts/install-deps.sh, scripts/build.sh), so it is proven there.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN scripts/install-deps.sh && TOOLWALL_TESTS=OFF scripts/build.sh && strip build/toolwall

FROM debian:12-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libyaml-cpp0.7 libssl3 zlib1g libjemalloc2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /opt/toolwall toolwall
WORKDIR /opt/toolwall
COPY --from=build /src/build/toolwall /usr/local/bin/toolwall
COPY --from=build /src/rules ./rules
COPY --from=build /src/config ./config
USER toolwall
EXPOSE 8788
ENTRYPOINT ["/usr/local/bin/toolwall", "serve"]
CMD ["--listen", "0.0.0.0:8788"]
