"""nanoGPT's model.py (Karpathy), the PyTorch peer of the tensor, models and generate benches.

Import it after the thread variables are set (it imports torch). Dropout is 0 and there is no
flash-attention switch: attention is F.scaled_dot_product_attention, as nanoGPT uses on PyTorch 2.
`bias` is nanoGPT's GPTConfig.bias (biases in the linear layers and LayerNorms; lm_head never has
one). Beside nanoGPT's generate() (no cache: the whole cropped window again for every token) there
is generate_cached(), one position per step over cached keys and values.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


class LayerNorm(nn.Module):
    """LayerNorm with an optional bias (nanoGPT's; PyTorch's has no bias=False before 2.1)."""

    def __init__(self, n, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.bias = nn.Parameter(torch.zeros(n)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, width, heads, bias):
        super().__init__()
        self.c_attn = nn.Linear(width, 3 * width, bias=bias)
        self.c_proj = nn.Linear(width, width, bias=bias)
        self.heads = heads

    def forward(self, x, cache=None):
        """`cache` = (keys, values, start): this call's positions are start..<start+T; keys and
        values [B, H, context, d] keep them for later calls."""
        b, t, c = x.size()
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        if cache is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            keys, values, start = cache
            keys[:, :, start:start + t] = k
            values[:, :, start:start + t] = v
            k, v = keys[:, :, :start + t], values[:, :, :start + t]
            if t == 1:   # one new position sees every cached one
                y = F.scaled_dot_product_attention(q, k, v)
            else:        # a fresh window (start 0): causal over itself
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))


class MLP(nn.Module):
    def __init__(self, width, bias):
        super().__init__()
        self.c_fc = nn.Linear(width, 4 * width, bias=bias)
        self.c_proj = nn.Linear(4 * width, width, bias=bias)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, width, heads, bias):
        super().__init__()
        self.ln_1, self.attn = LayerNorm(width, bias), CausalSelfAttention(width, heads, bias)
        self.ln_2, self.mlp = LayerNorm(width, bias), MLP(width, bias)

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """nanoGPT's GPT; the default shape is its CPU configuration for tiny Shakespeare."""

    def __init__(self, vocab, context=64, width=128, layers=4, heads=4, bias=False):
        super().__init__()
        self.context, self.width, self.heads = context, width, heads
        self.wte, self.wpe = nn.Embedding(vocab, width), nn.Embedding(context, width)
        self.h = nn.ModuleList([Block(width, heads, bias) for _ in range(layers)])
        self.ln_f = LayerNorm(width, bias)
        self.lm_head = nn.Linear(width, vocab, bias=False)
        self.wte.weight = self.lm_head.weight   # weight tying
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * layers))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                torch.nn.init.zeros_(module.bias)

    def forward(self, idx, targets=None, caches=None, start=0):
        """With targets: the mean cross-entropy over every position. Without: the last position's
        logits [B, 1, V] (nanoGPT's inference path). `caches` (one (keys, values) a layer) and
        `start` feed positions start..<start+T through the KV cache."""
        t = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(start, start + t))
        for i, block in enumerate(self.h):
            x = block(x, None if caches is None else (caches[i][0], caches[i][1], start))
        if targets is None:
            return self.lm_head(self.ln_f(x[:, [-1], :]))
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))

    def optimizer(self, lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1):
        """nanoGPT's configure_optimizers: AdamW, weight decay on the matrices only."""
        params = [p for p in self.parameters() if p.requires_grad]
        groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
                  {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=lr, betas=betas)

    @torch.no_grad()
    def generate(self, idx, new_tokens):
        """nanoGPT's generate() at temperature 1, no top-k: crop to the context, run the whole
        window, sample from the last position."""
        for _ in range(new_tokens):
            window = idx if idx.size(1) <= self.context else idx[:, -self.context:]
            probs = F.softmax(self(window)[:, -1, :], dim=-1)
            idx = torch.cat((idx, torch.multinomial(probs, num_samples=1)), dim=1)
        return idx

    @torch.no_grad()
    def generate_cached(self, idx, new_tokens, keep=None):
        """Batch 1, one position per step over cached keys and values. Learned absolute positions
        cannot slide under a cache, so a full window restarts from its last `keep` tokens
        (default context / 2), re-encoded in one pass."""
        keep = keep or self.context // 2
        d = self.width // self.heads
        caches = [(torch.zeros(1, self.heads, self.context, d), torch.zeros(1, self.heads, self.context, d))
                  for _ in self.h]
        tokens = idx[0].tolist()
        logits = self(idx, caches=caches, start=0)[:, -1, :]
        length = idx.size(1)
        for _ in range(new_tokens):
            token = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
            tokens.append(int(token))
            if length == self.context:
                logits = self(torch.tensor([tokens[-keep:]]), caches=caches, start=0)[:, -1, :]
                length = keep
            else:
                logits = self(token, caches=caches, start=length)[:, -1, :]
                length += 1
        return tokens
