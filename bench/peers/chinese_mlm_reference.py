"""The PyTorch reference for the Chinese base's pre-training: Hugging Face's BertForMaskedLM with
vocab/chinese-bert-char's config and tokenizer on the People's Daily text that `make setup` writes
(.cache/data/peoples_daily_1998_01.txt), set up as `nlp pretrain --arch bert` trains:
- 126-character blocks between [CLS] and [SEP], every 100th held out;
- 15% masked (80/10/10), batch 32;
- AdamW 5e-4 (warm-up 150 of 3,000 steps, cosine decay), clipping at 1;
- 2 threads.

Every 50 steps it prints the train loss and the held-out masked-LM loss, to set beside our
train_log.csv (README: the Chinese base).

    .venv-bench/bin/python -P bench/peers/chinese_mlm_reference.py [STEPS]   (default 400)
"""
import math
import os
import random
import sys
import time

import torch
from tokenizers import Tokenizer
from transformers import BertConfig, BertForMaskedLM

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 400
BLOCK, BATCH, PEAK, WARMUP, TOTAL = 126, 32, 5e-4, 150, 3000

torch.manual_seed(1)
random.seed(1)
torch.set_num_threads(2)
tokenizer = Tokenizer.from_file(os.path.join(ROOT, "vocab", "chinese-bert-char", "tokenizer.json"))
vocab = tokenizer.get_vocab_size()
cls, sep, mask = (tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[MASK]"))
text = open(os.path.join(ROOT, ".cache", "data", "peoples_daily_1998_01.txt"), encoding="utf-8").read()
ids = []
for encoding in tokenizer.encode_batch([l for l in text.split("\n") if l.strip()], add_special_tokens=False):
    ids.extend(encoding.ids)
    ids.append(sep)
blocks = [ids[i:i + BLOCK] for i in range(0, len(ids) - BLOCK, BLOCK)]
held = blocks[::100]
train = [b for i, b in enumerate(blocks) if i % 100]
print(f"{len(ids)} tokens, {len(train)} training blocks, {len(held)} held out", file=sys.stderr)

model = BertForMaskedLM(BertConfig(vocab_size=vocab, hidden_size=256, num_hidden_layers=4, num_attention_heads=4,
                                   intermediate_size=1024, max_position_embeddings=128))
optimizer = torch.optim.AdamW(model.parameters(), lr=PEAK, weight_decay=0.01)


def masked(rows):
    """[CLS] block [SEP] with 15% of the block's tokens to predict: 80% [MASK], 10% random, 10% kept."""
    x = torch.tensor([[cls] + b + [sep] for b in rows])
    chance = torch.rand(x.shape)
    chance[:, 0] = chance[:, -1] = 1
    chosen = chance < 0.15
    labels = torch.full_like(x, -100)
    labels[chosen] = x[chosen]
    roll = torch.rand(x.shape)
    x[chosen & (roll < 0.8)] = mask
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    x[swap] = torch.randint(5, vocab, (int(swap.sum()),))
    return x, labels


def rate(step):
    if step <= WARMUP:
        return PEAK * step / WARMUP
    return PEAK * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - WARMUP) / (TOTAL - WARMUP))))


order, position, start = list(range(len(train))), 0, time.time()
random.shuffle(order)
for step in range(1, STEPS + 1):
    for group in optimizer.param_groups:
        group["lr"] = rate(step)
    if position + BATCH > len(order):
        random.shuffle(order)
        position = 0
    x, y = masked([train[i] for i in order[position:position + BATCH]])
    position += BATCH
    loss = model(input_ids=x, labels=y).loss
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if step % 50 == 0:
        model.eval()
        with torch.no_grad():
            total = [float(model(input_ids=xs, labels=ys).loss) for xs, ys in
                     (masked(held[i:i + BATCH]) for i in range(0, len(held), BATCH))]
        model.train()
        print(f"step {step}: train loss {loss.item():.4f}, held-out loss {sum(total) / len(total):.4f} "
              f"({time.time() - start:.0f} s)", flush=True)
