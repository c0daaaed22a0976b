# bench/server/nginx_head.sh - sourced by the benchmarks that put nginx
# beside gazouillis (bench/server/run.sh, bench/mastodon/run.sh): prints
# the start of an nginx.conf that runs nginx in the foreground with every
# file under DIR, no access log, sendfile on and keep-alive as long as wrk
# wants, and leaves the http block open for the caller's own directives
# and servers (then "}").
#
#   nginx_conf_head DIR WHO
nginx_conf_head() {
    cat <<EOF
# written by $2: gazouillis's answers, byte for byte, as static files
worker_processes auto;
daemon off;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $1/tmp/client;
    proxy_temp_path $1/tmp/proxy;
    fastcgi_temp_path $1/tmp/fastcgi;
    uwsgi_temp_path $1/tmp/uwsgi;
    scgi_temp_path $1/tmp/scgi;
EOF
}
