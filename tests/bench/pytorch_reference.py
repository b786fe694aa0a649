"""PyTorch training throughput for the bench, measured in the same run: the SimpleCNN and the LSTM counter
with the architectures, batch size and optimiser of the TypeScript workloads (tests/bench/workloads.ts).

Usage: python3 pytorch_reference.py THREADS SECONDS [CNN_BATCH]. Prints one JSON line; exits 3 when torch is
missing.
"""
import json
import os
import resource
import sys
import time

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
cnn_batch = int(sys.argv[3]) if len(sys.argv) > 3 else 64
os.environ.setdefault("OMP_NUM_THREADS", str(threads))
try:
    import torch
    from torch import nn
except ImportError as missing:
    print(json.dumps({"available": False, "reason": f"python3 cannot import torch ({missing})"}))
    sys.exit(3)

torch.set_num_threads(threads)
torch.manual_seed(1)
# The LSTM trains at the batch size of its full profile (models/lstm.ts), as the TypeScript workload does.
LSTM_BATCH = 32


def simple_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(7 * 7 * 64, 128), nn.ReLU(), nn.Linear(128, 10),
    )


class Counter(nn.Module):
    def __init__(self, units=64):
        super().__init__()
        self.lstm = nn.LSTM(1, units, batch_first=True)
        self.output = nn.Linear(units, 1)

    def forward(self, x):
        states, _ = self.lstm(x)
        return self.output(states[:, -1, :])


def throughput(model, x, y, loss_fn):
    batch = x.shape[0]
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()

    for _ in range(3):
        step()
    steps = 0
    cpu_started = time.process_time()
    started = time.perf_counter()
    while steps < 3 or time.perf_counter() - started < seconds:
        step()
        steps += 1
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {"samplesPerSecond": steps * batch / wall, "samplesPerCpuSecond": steps * batch / cpu, "steps": steps}


cnn = throughput(
    simple_cnn(), torch.rand(cnn_batch, 1, 28, 28), torch.randint(0, 10, (cnn_batch,)), nn.CrossEntropyLoss()
)
bits = (torch.rand(LSTM_BATCH, 20, 1) > 0.5).float()
lstm = throughput(
    Counter(), bits, (bits.sum(dim=1) > 10).float(), nn.BCEWithLogitsLoss()
)
print(json.dumps({
    "available": True,
    "torch": torch.__version__,
    "threads": threads,
    "cnnBatch": cnn_batch,
    "cnnTrain": cnn,
    "lstmTrain": lstm,
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
