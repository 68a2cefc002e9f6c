# sigc environment file: one environment of one workload.
# Reference: `sigc schema` prints every key; README.md explains each one.
# Check it with `sigc check`, build it with `sigc build`.

[environment]
name = "@ENV@"              # 1-16 lowercase letters and digits; the output folder name
workload = "@WORKLOAD@"     # 1-16 lowercase letters and digits
location = "@LOCATION@"     # Azure region, programmatic name
profile = "development"     # "production" is strict; "development" relaxes policy to warnings
tags = { owner = "platform-team" }

[signalr]
sku = "Standard_S1"         # Free_F1 | Standard_S1 | Premium_P1 | Premium_P2
hubs = ["chat"]             # one SignalR trigger function per hub

[signalr.load]
concurrent_connections = 1000   # capacity defaults to the smallest that covers this

[signalr.cors]
allowed_origins = ["https://app.example.com"]

[functions]
plan = "FC1"                # FC1 (Flex Consumption) | Y1 | EP1 | EP2 | EP3
runtime = "python"          # "python" | "node" (then language = "typescript" | "javascript")
runtime_version = "3.12"    # node: "20" | "22"
