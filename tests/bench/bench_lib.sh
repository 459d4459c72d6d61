# Shared by proxy_bench.sh and proxy_cpu.sh (sourced after they set BUILD, LOAD, TOOLWALL, NGINX,
# POLICY and PROFILES): loopback ports, the processes started (stopped at exit), and the nginx and
# toolwall instances the benchmarks compare.
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

start_nginx() {  # $1 listen port, $2 upstream port, $3 name
  mkdir -p "$WORK/$3"
  cat > "$WORK/$3/nginx.conf" <<EOF
worker_processes 2;
pid $WORK/$3/nginx.pid;
error_log $WORK/$3/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;  # the load client ends a connection the server closes: keep them all
  upstream up { server 127.0.0.1:$2; keepalive 128; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$1;
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
EOF
  "$NGINX" -p "$WORK/$3" -c "$WORK/$3/nginx.conf" -g 'daemon off;' & PIDS+=($!)
}

start_toolwall() {  # $1 listen port, $2 upstream port
  "$TOOLWALL" serve --config /dev/null --listen "127.0.0.1:$1" --upstream "http://127.0.0.1:$2" \
    --policy "$POLICY" --profiles "$PROFILES" --threads 2 > /dev/null & PIDS+=($!)
}
